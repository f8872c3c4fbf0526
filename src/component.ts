// What every component resolves and renders the same way: its identity (names, labels, image) and its plain L1 objects.
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ImageDefaults, ImageProps, imageReference } from './images';
import { prefixed, recommendedLabels, selectorLabels } from './names';
import { ComponentProps } from './pod';
import { pruneProtectionAnnotations } from './prune-protection';
import { serviceIpFamilySpec } from './service-ip-families';
import { ValidationScope, scopeOf } from './validation-scope';

/** The resolved identity of a component: the first fields of every component's settings. */
export interface ResolvedComponent<P> {
  /** The props as given, for what passes through unchanged (scheduling, placement, resources). */
  readonly props: P;
  readonly scope: ValidationScope;
  /** Name of the workload (and of its Service, where it has one). */
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selectorLabels: Record<string, string>;
  /** The image reference the container runs. */
  readonly image: string;
  /** GitOps no-prune annotations for the objects holding data or inline secrets; undefined when opted out. */
  readonly pruneProtection?: Record<string, string>;
}

/** The identity of a component from its props: `baseName` before namePrefix, the `app.kubernetes.io` name and component. */
export function resolveComponent<P extends ComponentProps & { readonly image?: ImageProps }>(
  props: P, baseName: string, appName: string, component: string, image: ImageDefaults,
): ResolvedComponent<P> {
  const name = prefixed(props.namePrefix, baseName);
  return {
    props,
    scope: scopeOf(props),
    name,
    labels: recommendedLabels(appName, component, name, props.labels),
    selectorLabels: selectorLabels(name),
    image: imageReference(props.image, image),
    pruneProtection: pruneProtectionAnnotations(props.gitOpsPruneProtection),
  };
}

/** A ConfigMap holding one config file. */
export function configMapOf(scope: Construct, name: string, labels: Record<string, string>, file: string, text: string): k8s.KubeConfigMap {
  return new k8s.KubeConfigMap(scope, 'config', { metadata: { name, labels }, data: { [file]: text } });
}

/** An Opaque Secret of the given UTF-8 values (`annotations`: the GitOps no-prune ones, as inline secrets exist nowhere else). */
export function opaqueSecretOf(
  scope: Construct, name: string, labels: Record<string, string>, values: Record<string, string>, annotations?: Record<string, string>,
): k8s.KubeSecret {
  const data = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Buffer.from(value, 'utf8').toString('base64')]));
  return new k8s.KubeSecret(scope, 'secret', { metadata: { name, labels, annotations }, type: 'Opaque', data });
}

/** A ClusterIP Service whose one `http` port maps onto the same container port. */
export function httpServiceOf(scope: Construct, s: ResolvedComponent<ComponentProps>, port: number): k8s.KubeService {
  return new k8s.KubeService(scope, 'service', {
    metadata: { name: s.name, labels: s.labels },
    spec: {
      type: 'ClusterIP',
      ...serviceIpFamilySpec(s.props),
      selector: s.selectorLabels,
      ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }],
    },
  });
}
