package controller_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	guardrailv1 "github.com/guardrail-dev/guardrail/api/v1alpha1"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

var _ = Describe("a storm of policy updates", Ordered, func() {
	const updates = 1000
	ctx := context.Background()

	It("judges every request by one complete policy, old or new, and keeps the last valid one", func() {
		deny := policy.Spec{}
		warn := policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-005": {Mode: "warn"}}}
		invalid := policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-005": {Environments: []string{"nowhere"}}}}
		setPolicy(deny)
		// A dev namespace: the hostPort rule applies everywhere, approvals only in production.
		ns := newNamespace("dev", nil)

		var stop atomic.Bool
		var judged, wrong atomic.Int64
		var mistakes sync.Map
		var requests sync.WaitGroup
		for w := range 4 {
			rec := &warningRecorder{}
			cfg := rest.CopyConfig(cfg)
			cfg.WarningHandler = rec
			c, err := client.New(cfg, client.Options{Scheme: scheme})
			Expect(err).NotTo(HaveOccurred())
			requests.Add(1)
			go func() {
				defer GinkgoRecover()
				defer requests.Done()
				for i := 0; !stop.Load(); i++ {
					d := deployment(ns, "storm", hostPort)
					d.Name = "storm-" + string(rune('a'+w))
					err := c.Create(ctx, d, client.DryRunAll)
					warnings := strings.Join(rec.take(), "\n")
					judged.Add(1)
					denied := err != nil && apierrors.IsForbidden(err) && strings.Contains(err.Error(), "GR-PORT-005")
					warned := err == nil && strings.Contains(warnings, "GR-PORT-005")
					if denied == warned { // neither policy's answer, or somehow both
						wrong.Add(1)
						mistakes.Store(judged.Load(), err)
					}
				}
			}()
		}

		rejected := 0
		for i := range updates {
			spec := deny
			if i%2 == 1 {
				spec = warn
			}
			refused := false
			err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
				var gp guardrailv1.GuardrailPolicy
				if err := k8s.Get(ctx, types.NamespacedName{Name: "guardrail"}, &gp); err != nil {
					return err
				}
				gp.Spec = spec
				if i%50 == 25 { // an invalid update in between: refused, nothing lost
					gp.Spec = invalid
					if err := k8s.Update(ctx, &gp); err == nil || !apierrors.IsForbidden(err) {
						return err
					}
					refused = true
					gp.Spec = spec
				}
				return k8s.Update(ctx, &gp)
			})
			Expect(err).NotTo(HaveOccurred())
			if refused {
				rejected++
			}
		}
		time.Sleep(200 * time.Millisecond)
		stop.Store(true)
		requests.Wait()

		var last guardrailv1.GuardrailPolicy
		Expect(k8s.Get(ctx, types.NamespacedName{Name: "guardrail"}, &last)).To(Succeed())
		Eventually(func() string { return holder.Load().Source }, 10*time.Second, 20*time.Millisecond).
			Should(HaveSuffix("generation " + strconv.FormatInt(last.Generation, 10)))
		GinkgoWriter.Printf("%d policy updates (%d invalid ones refused), %d requests judged during them, %d judged by neither policy\n",
			updates, rejected, judged.Load(), wrong.Load())
		mistakes.Range(func(k, v any) bool {
			GinkgoWriter.Printf("request %v: %v\n", k, v)
			return true
		})
		Expect(rejected).To(Equal(updates / 50))
		Expect(judged.Load()).To(BeNumerically(">", 100))
		Expect(wrong.Load()).To(BeZero())
	})
})
