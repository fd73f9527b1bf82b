// Package deploy holds no code: its tests prove the deployment files (the
// Dockerfile, deploy/compose.yaml, deploy/kubernetes and deploy/systemd)
// without a Docker engine or a cluster, with each format's own parser,
// loader or verifier, and by running the release binary the way the image
// runs it.
//
// It is a module of its own so that those parsers (BuildKit, Compose,
// Kubernetes, Kustomize) stay out of the server's dependencies. Run it with
// `make deploy-test`, which `make test` includes.
package deploy
