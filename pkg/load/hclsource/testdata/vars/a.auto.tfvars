from_auto      = "auto"
from_auto_json = "auto"
from_varfile   = "auto"
from_cli       = "auto"
