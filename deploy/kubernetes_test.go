package deploy

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	psaapi "k8s.io/pod-security-admission/api"
	psapolicy "k8s.io/pod-security-admission/policy"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/kustomize/api/krusty"
	ktypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// kinds maps each apiVersion and kind the manifests may use to a new value
// of its Kubernetes API type.
var kinds = map[string]func() any{
	"v1/Namespace":                  func() any { return new(corev1.Namespace) },
	"v1/ConfigMap":                  func() any { return new(corev1.ConfigMap) },
	"v1/Secret":                     func() any { return new(corev1.Secret) },
	"v1/Service":                    func() any { return new(corev1.Service) },
	"apps/v1/Deployment":            func() any { return new(appsv1.Deployment) },
	"policy/v1/PodDisruptionBudget": func() any { return new(policyv1.PodDisruptionBudget) },
	"networking.k8s.io/v1/Ingress":  func() any { return new(networkingv1.Ingress) },
}

// decodeStrict decodes one manifest into its API type, refusing unknown
// and duplicate fields, as `kubectl apply --validate=strict` does.
func decodeStrict(name string, doc []byte) (any, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	newObj, ok := kinds[tm.APIVersion+"/"+tm.Kind]
	if !ok {
		return nil, fmt.Errorf("%s: apiVersion %q kind %q is not one the tests know", name, tm.APIVersion, tm.Kind)
	}
	obj := newObj()
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", name, tm.Kind, err)
	}
	return obj, nil
}

// TestKubernetesFilesDecodeStrictly reads every file in deploy/kubernetes
// as it is in the repository: manifests into the Kubernetes API types,
// kustomizations into Kustomize's.
func TestKubernetesFilesDecodeStrictly(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "deploy", "kubernetes")
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		if filepath.Base(p) == "kustomization.yaml" {
			var k ktypes.Kustomization
			if err := yaml.UnmarshalStrict(b, &k); err != nil {
				t.Errorf("%s: %v", rel, err)
			}
			return nil
		}
		if _, err := decodeStrict(rel, b); err != nil {
			t.Error(err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 6 {
		t.Fatalf("read only %d files in %s", n, dir)
	}
}

// kustomized holds the objects `kubectl apply -k` would send.
type kustomized struct {
	deployment *appsv1.Deployment
	service    *corev1.Service // SSH
	httpSvc    *corev1.Service
	ingress    *networkingv1.Ingress
	pdb        *policyv1.PodDisruptionBudget
	namespace  *corev1.Namespace
	secrets    []*corev1.Secret
	configMaps []*corev1.ConfigMap
}

// kustomize copies deploy/kubernetes to a new directory, adds the given
// files (paths relative to it), adds the components as `kustomize edit add
// component` would, builds it with the Kustomize that kubectl embeds, and
// decodes every object strictly.
func kustomize(t *testing.T, extra map[string][]byte, components ...string) (*kustomized, error) {
	t.Helper()
	src := filepath.Join(repoRoot(t), "deploy", "kubernetes")
	dst := filepath.Join(t.TempDir(), "kubernetes")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	for name, b := range extra {
		if err := os.WriteFile(filepath.Join(dst, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if len(components) > 0 {
		kf := filepath.Join(dst, "kustomization.yaml")
		b, err := os.ReadFile(kf)
		if err != nil {
			t.Fatal(err)
		}
		var k ktypes.Kustomization
		if err := yaml.UnmarshalStrict(b, &k); err != nil {
			t.Fatal(err)
		}
		k.Components = append(k.Components, components...)
		if b, err = yaml.Marshal(&k); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(kf, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(filesys.MakeFsOnDisk(), dst)
	if err != nil {
		return nil, err
	}
	out := &kustomized{}
	for _, r := range rm.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		obj, err := decodeStrict(r.CurId().String(), b)
		if err != nil {
			t.Fatal(err)
		}
		switch o := obj.(type) {
		case *appsv1.Deployment:
			if out.deployment != nil {
				t.Fatal("two Deployments")
			}
			out.deployment = o
		case *corev1.Service:
			if o.Name == "resume-http" {
				out.httpSvc = o
			} else {
				out.service = o
			}
		case *networkingv1.Ingress:
			out.ingress = o
		case *policyv1.PodDisruptionBudget:
			out.pdb = o
		case *corev1.Namespace:
			out.namespace = o
		case *corev1.Secret:
			out.secrets = append(out.secrets, o)
		case *corev1.ConfigMap:
			out.configMaps = append(out.configMaps, o)
		}
	}
	if out.deployment == nil || out.service == nil || out.httpSvc == nil || out.ingress == nil || out.pdb == nil || out.namespace == nil {
		t.Fatal("kustomize build lacks a Deployment, Service (SSH or HTTP), Ingress, PodDisruptionBudget or Namespace")
	}
	return out, nil
}

// newHostKey makes an ed25519 private key file as `resume keygen` does.
func newHostKey(t *testing.T) ([]byte, gossh.PublicKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "test")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block), signer.PublicKey()
}

func envOf(c corev1.Container) map[string]string {
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	return env
}

func containerPort(t *testing.T, c corev1.Container, name string) int32 {
	t.Helper()
	for _, p := range c.Ports {
		if p.Name == name {
			return p.ContainerPort
		}
	}
	t.Fatalf("container %s has no port named %q", c.Name, name)
	return 0
}

func TestKubernetesKustomization(t *testing.T) {
	key, pub := newHostKey(t)
	k, err := kustomize(t, map[string][]byte{"ssh_host_ed25519_key": key})
	if err != nil {
		t.Fatalf("kustomize build: %v", err)
	}
	d := k.deployment
	pod := d.Spec.Template.Spec
	img := parseDockerfile(t)

	t.Run("deployment", func(t *testing.T) {
		if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
			t.Errorf("replicas %d, want 2 or more", ptr.Deref(d.Spec.Replicas, 1))
		}
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil {
			t.Fatal(err)
		}
		if !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("selector %v does not match the pod labels %v", sel, d.Spec.Template.Labels)
		}
		if ru := d.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 {
			t.Errorf("rolling update %+v: want maxUnavailable 0, so an upgrade never drops below the replica count", ru)
		}
		if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
			t.Error("the pod mounts a service account token it has no use for")
		}
		if len(pod.Containers) != 1 {
			t.Fatalf("%d containers, want 1", len(pod.Containers))
		}
	})

	c := pod.Containers[0]
	env := envOf(c)

	t.Run("security", func(t *testing.T) {
		psc := pod.SecurityContext
		if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
			t.Errorf("pod securityContext %+v: want runAsNonRoot and a non-zero runAsUser", psc)
		}
		if psc != nil && psc.RunAsUser != nil && strconv.FormatInt(*psc.RunAsUser, 10)+":"+strconv.FormatInt(*psc.RunAsGroup, 10) != img.user {
			t.Errorf("pod runs as %d:%d, the image as %s", *psc.RunAsUser, *psc.RunAsGroup, img.user)
		}
		if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Error("pod seccomp profile is not RuntimeDefault")
		}
		sc := c.SecurityContext
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			t.Error("root file system is writable")
		}
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			t.Error("privilege escalation allowed")
		}
		if sc == nil || sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) != 0 {
			t.Errorf("capabilities %+v, want drop [ALL] and none added", sc.Capabilities)
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Requests[r]; !ok {
				t.Errorf("no %s request", r)
			}
			if _, ok := c.Resources.Limits[r]; !ok {
				t.Errorf("no %s limit", r)
			}
		}

		// The namespace enforces the "restricted" Pod Security Standard, and
		// the pod passes it: checked with the admission plugin's own code.
		if got := k.namespace.Labels["pod-security.kubernetes.io/enforce"]; got != string(psaapi.LevelRestricted) {
			t.Errorf("namespace enforces %q, want restricted", got)
		}
		eval, err := psapolicy.NewEvaluator(psapolicy.DefaultChecks(), nil)
		if err != nil {
			t.Fatal(err)
		}
		res := psapolicy.AggregateCheckResults(eval.EvaluatePod(
			psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()},
			&d.Spec.Template.ObjectMeta, &pod))
		if !res.Allowed {
			t.Errorf("pod violates the restricted Pod Security Standard: %s", res.ForbiddenReason())
		}
	})

	t.Run("probes and ports", func(t *testing.T) {
		if c.Image != "registry.example.com/resume:latest" {
			t.Errorf("image %q: the kustomization's images entry did not apply", c.Image)
		}
		sshPort := containerPort(t, c, "ssh")
		if p := port(t, env["RESUME_ADDR"]); p != strconv.Itoa(int(sshPort)) || p != port(t, img.env["RESUME_ADDR"]) {
			t.Errorf("RESUME_ADDR port %s, container port %d, image %s: want one port", p, sshPort, img.env["RESUME_ADDR"])
		}
		httpPort := containerPort(t, c, "http")
		if p := port(t, env["RESUME_HTTP_ADDR"]); p != strconv.Itoa(int(httpPort)) || p != port(t, img.env["RESUME_HTTP_ADDR"]) {
			t.Errorf("RESUME_HTTP_ADDR port %s, container port %d, image %s: want one port", p, httpPort, img.env["RESUME_HTTP_ADDR"])
		}
		metrics := containerPort(t, c, "metrics")
		if p := port(t, env["RESUME_METRICS_ADDR"]); p != strconv.Itoa(int(metrics)) || p != metricsPort {
			t.Errorf("RESUME_METRICS_ADDR port %s, container port %d: want %s", p, metrics, metricsPort)
		}
		if !slices.Equal(c.Args, img.cmd) {
			t.Errorf("args %q, the image's CMD %q", c.Args, img.cmd)
		}
		r := c.ReadinessProbe
		if r == nil || r.Exec == nil || !slices.Equal(r.Exec.Command, img.health[1:]) {
			t.Errorf("readiness probe %+v, want exec %q like the image's HEALTHCHECK", r, img.health[1:])
		}
		if r != nil && r.TimeoutSeconds < 4 {
			t.Errorf("readiness timeout %ds: shorter than `resume healthcheck`'s own 3s", r.TimeoutSeconds)
		}
		l := c.LivenessProbe
		if l == nil || l.HTTPGet == nil || l.HTTPGet.Path != "/healthz" || l.HTTPGet.Port != intstr.FromString("metrics") {
			t.Errorf("liveness probe %+v, want GET /healthz on the metrics port", l)
		}
		if pod.TerminationGracePeriodSeconds == nil || *pod.TerminationGracePeriodSeconds < 15 {
			t.Error("termination grace shorter than preStop plus the server's 10s shutdown grace")
		}
	})

	t.Run("service", func(t *testing.T) {
		s := k.service.Spec
		if s.Type != corev1.ServiceTypeLoadBalancer {
			t.Errorf("Service type %s, want LoadBalancer", s.Type)
		}
		if s.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal {
			t.Errorf("externalTrafficPolicy %q, want Local (keeps visitors' addresses)", s.ExternalTrafficPolicy)
		}
		if !labels.Set(s.Selector).AsSelector().Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("Service selector %v does not match the pods", s.Selector)
		}
		if len(s.Ports) != 1 || s.Ports[0].Port != 22 || s.Ports[0].TargetPort != intstr.FromString("ssh") || s.Ports[0].Protocol != corev1.ProtocolTCP {
			t.Errorf("Service ports %+v, want only 22/TCP to the ssh port", s.Ports)
		}
		hs := k.httpSvc.Spec
		if hs.Type != corev1.ServiceTypeClusterIP || len(hs.Ports) != 1 || hs.Ports[0].TargetPort != intstr.FromString("http") ||
			!labels.Set(hs.Selector).AsSelector().Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("HTTP Service %+v, want a ClusterIP to the pods' http port", hs)
		}
		var backends []string
		for _, r := range k.ingress.Spec.Rules {
			for _, p := range r.HTTP.Paths {
				backends = append(backends, p.Backend.Service.Name+":"+p.Backend.Service.Port.Name)
			}
		}
		if !slices.Equal(backends, []string{k.httpSvc.Name + ":http"}) || len(k.ingress.Spec.TLS) == 0 {
			t.Errorf("Ingress backends %v (TLS %v), want only %s:http, over TLS", backends, k.ingress.Spec.TLS, k.httpSvc.Name)
		}
		sel, err := metav1.LabelSelectorAsSelector(k.pdb.Spec.Selector)
		if err != nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("PodDisruptionBudget selector %v does not match the pods", k.pdb.Spec.Selector)
		}
	})

	t.Run("host key secret", func(t *testing.T) {
		if len(k.secrets) != 1 {
			t.Fatalf("%d Secrets, want one host key for all replicas", len(k.secrets))
		}
		sec := k.secrets[0]
		if !strings.HasPrefix(sec.Name, "resume-host-key-") {
			t.Errorf("Secret %q has no content hash: a new key would not roll the pods", sec.Name)
		}
		got, err := gossh.ParsePrivateKey(sec.Data["ssh_host_ed25519_key"])
		if err != nil {
			t.Fatalf("Secret's key: %v", err)
		}
		if gossh.FingerprintSHA256(got.PublicKey()) != gossh.FingerprintSHA256(pub) {
			t.Error("Secret holds a different key than the file")
		}
		vol := volume(t, pod, func(v corev1.Volume) bool { return v.Secret != nil })
		if vol.Secret.SecretName != sec.Name {
			t.Errorf("pods mount Secret %q, the build made %q", vol.Secret.SecretName, sec.Name)
		}
		// Readable by the server through fsGroup, and no one else.
		if m := ptr.Deref(vol.Secret.DefaultMode, 0o644); m != 0o440 {
			t.Errorf("key mode %o, want 0440", m)
		}
		if psc := pod.SecurityContext; psc.FSGroup == nil || psc.RunAsGroup == nil || *psc.FSGroup != *psc.RunAsGroup {
			t.Error("fsGroup is not the server's group: it cannot read the key")
		}
		mount := mountOf(t, c, vol.Name)
		if !mount.ReadOnly || path.Join(mount.MountPath, "ssh_host_ed25519_key") != env["RESUME_HOST_KEY"] {
			t.Errorf("key mounted read-only=%v at %s, RESUME_HOST_KEY=%s", mount.ReadOnly, mount.MountPath, env["RESUME_HOST_KEY"])
		}
		data := volume(t, pod, func(v corev1.Volume) bool { return v.Name == "data" })
		if data.EmptyDir == nil || mountOf(t, c, "data").MountPath != env["RESUME_DATA_DIR"] {
			t.Errorf("RESUME_DATA_DIR %s is not a writable emptyDir", env["RESUME_DATA_DIR"])
		}
	})

	t.Run("content", func(t *testing.T) {
		vol := volume(t, pod, func(v corev1.Volume) bool { return v.ConfigMap != nil })
		if len(k.configMaps) != 1 || k.configMaps[0].Name != vol.ConfigMap.Name {
			t.Fatalf("pods mount ConfigMap %q, the build has %d", vol.ConfigMap.Name, len(k.configMaps))
		}
		if _, ok := env["RESUME_CONTENT"]; ok {
			t.Error("base sets RESUME_CONTENT: the empty ConfigMap should leave the built-in résumé")
		}
	})
}

func TestKubernetesNeedsHostKeyFile(t *testing.T) {
	_, err := kustomize(t, nil)
	if err == nil || !strings.Contains(err.Error(), "ssh_host_ed25519_key") {
		t.Fatalf("build without the key file: %v; want an error naming it", err)
	}
}

func TestKubernetesHostKeyIsGitIgnored(t *testing.T) {
	needTool(t, "git")
	root := repoRoot(t)
	for _, p := range hostKeyPaths[:4] {
		if err := exec.Command("git", "-C", root, "check-ignore", "-q", "--no-index", p).Run(); err != nil {
			t.Errorf("git does not ignore %s: %v", p, err)
		}
	}
}

func TestKubernetesCustomContent(t *testing.T) {
	key, _ := newHostKey(t)
	resume := readRepoFile(t, "content/default.resume.json")
	k, err := kustomize(t, map[string][]byte{
		"ssh_host_ed25519_key":       key,
		"custom-content/resume.yaml": resume,
	}, "custom-content")
	if err != nil {
		t.Fatalf("kustomize build custom-content: %v", err)
	}
	if len(k.configMaps) != 1 {
		t.Fatalf("%d ConfigMaps, want the base's replaced", len(k.configMaps))
	}
	cm := k.configMaps[0]
	if cm.Data["resume.yaml"] != string(resume) {
		t.Error("ConfigMap does not hold the résumé file")
	}
	// One fixed name: an edit updates the mounted file in place, and the
	// server reloads it without a restart.
	if cm.Name != "resume-content" || cm.Namespace != "resume" {
		t.Errorf("ConfigMap %s/%s, want resume/resume-content", cm.Namespace, cm.Name)
	}
	pod := k.deployment.Spec.Template.Spec
	c := pod.Containers[0]
	vol := volume(t, pod, func(v corev1.Volume) bool { return v.ConfigMap != nil })
	if vol.ConfigMap.Name != cm.Name {
		t.Errorf("pods mount ConfigMap %q, the build made %q", vol.ConfigMap.Name, cm.Name)
	}
	if got, want := envOf(c)["RESUME_CONTENT"], path.Join(mountOf(t, c, vol.Name).MountPath, "resume.yaml"); got != want {
		t.Errorf("RESUME_CONTENT=%q, want %q", got, want)
	}
}

func volume(t *testing.T, pod corev1.PodSpec, match func(corev1.Volume) bool) corev1.Volume {
	t.Helper()
	for _, v := range pod.Volumes {
		if match(v) {
			return v
		}
	}
	t.Fatal("no such volume")
	return corev1.Volume{}
}

func mountOf(t *testing.T, c corev1.Container, name string) corev1.VolumeMount {
	t.Helper()
	for _, m := range c.VolumeMounts {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("volume %s is not mounted", name)
	return corev1.VolumeMount{}
}
