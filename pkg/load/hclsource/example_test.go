package hclsource_test

import (
	"context"
	"fmt"

	"github.com/guardrail-dev/guardrail/pkg/load/hclsource"
)

func ExampleLoadModule() {
	set, err := hclsource.LoadModule(context.Background(), "testdata/refs", hclsource.Options{})
	if err != nil {
		panic(err)
	}
	for _, r := range set.Resources {
		if r.Mode != "managed" {
			continue
		}
		fmt.Println(r.Address, "at", r.Location)
	}
	subnet := set.Resources[2]
	fmt.Println(subnet.Get("cidr_block").String())
	fmt.Println(subnet.Get("vpc_id").UnknownReason())
	fmt.Println(subnet.Refs[0].From, "->", subnet.Refs[0].To)
	// Output:
	// aws_vpc.main at testdata/refs/main.tf:3:1
	// aws_subnet.a[0] at testdata/refs/main.tf:12:1
	// aws_subnet.a[1] at testdata/refs/main.tf:12:1
	// aws_instance.web at testdata/refs/main.tf:21:1
	// 10.0.0.0/24
	// refers to aws_vpc.main.id, known only after apply
	// vpc_id -> aws_vpc.main
}
