/**
 * Kubernetes API types. `cdk8s import k8s` needs the network, so the project uses the generated
 * Kubernetes 1.27 classes that ship inside cdk8s-plus-27 (its `k8s` export). Every construct imports
 * them from here: moving to a newer cdk8s-plus (or a committed `cdk8s import`) is a one-line change.
 * CRDs are imported offline with `cdk8s import ../shared/reference/crds/<file>.yaml` into this folder.
 */
export { k8s } from 'cdk8s-plus-27';
