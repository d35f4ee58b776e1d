"""Local Supervisor simulator: etcd, kube-apiserver, kube-controller-manager, VM Operator CRDs; vcsim."""
