// One NetworkPolicy per pod, admitting exactly the ports each listens on.
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ElementWeb } from './element-web';
import { Homeserver } from './homeserver';
import { isDnsLabel } from './k8s-rules';
import { checkedProps } from './known-props';
import { ListenerPort, LiveKit } from './livekit';
import { LkJwt } from './lk-jwt';
import { BASE_NAMES, SELECTOR_LABEL, prefixed, recommendedLabels } from './names';
import { apiObjectsOf } from './pod';
import { checkStandaloneNaming } from './routing-checks';
import { Problems, reportProblems, show } from './validation';
import { scopeOf } from './validation-scope';

/** Namespaces are DNS labels (no dots): a dotted name can never match and the policy drops every public request. */
export function checkIngressControllerNamespace(problems: Problems, path: string, namespace: string | undefined): void {
  if (namespace !== undefined && !isDnsLabel(namespace)) {
    problems.add(path, `${show(namespace)} is not a namespace name`, 'the policy would admit no namespace, so every public request to the homeserver and lk-jwt-service is dropped', 'name the ingress controller\'s namespace, e.g. "ingress-nginx"');
  }
}

/** Props of `MatrixNetworkPolicies`. */
export interface MatrixNetworkPoliciesProps {
  /**
   * Prefix for every object name.
   * @default ''
   */
  readonly namePrefix?: string;

  /**
   * Labels added to every policy.
   * @default none
   */
  readonly labels?: Record<string, string>;

  /**
   * The homeserver whose pod gets a policy.
   * @default no homeserver policy
   */
  readonly homeserver?: Homeserver;

  /**
   * The SFU whose pod gets a policy.
   * @default no LiveKit policy
   */
  readonly livekit?: LiveKit;

  /**
   * lk-jwt-service whose pod gets a policy.
   * @default no lk-jwt-service policy
   */
  readonly lkJwt?: LkJwt;

  /**
   * Element Web whose pod gets a policy.
   * @default no Element Web policy
   */
  readonly elementWeb?: ElementWeb;

  /**
   * Namespace of the ingress controller (or Gateway): when set, the homeserver and lk-jwt-service admit HTTP only from it and from the stack's own pods.
   * @default HTTP admitted from any source
   */
  readonly ingressControllerNamespace?: string;
}

/**
 * One NetworkPolicy per pod. Each admits its listening ports from any source: the ingress
 * controller lives in another namespace (a `podSelector: {}` peer would drop every public
 * request) and WebRTC media comes from anywhere. Egress stays open: federation, OpenID
 * verification and Twirp room creation all need outbound reach.
 *
 * L1 `KubeNetworkPolicy`, because kplus always emits a peer and cannot say "any source, these ports".
 */
export class MatrixNetworkPolicies extends Construct {
  /** Policy of the homeserver pod. */
  public readonly homeserverPolicy?: k8s.KubeNetworkPolicy;
  /** Policy of the SFU pod. */
  public readonly livekitPolicy?: k8s.KubeNetworkPolicy;
  /** Policy of the lk-jwt-service pod. */
  public readonly lkJwtPolicy?: k8s.KubeNetworkPolicy;
  /** Policy of the Element Web pod. */
  public readonly elementWebPolicy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: MatrixNetworkPoliciesProps) {
    super(scope, id);
    props = checkedProps(this, 'MatrixNetworkPoliciesProps', props);
    const problems = new Problems();
    // Inside MatrixChat the names, labels and namespace are checked there (networkPolicy.ingressControllerNamespace).
    if (!scopeOf(props).parentValidated) {
      checkStandaloneNaming(problems, props);
      checkIngressControllerNamespace(problems, 'ingressControllerNamespace', props.ingressControllerNamespace);
    }
    reportProblems(this, problems);
    // The stack's own pods, by their stable selector labels (e.g. LiveKit's webhooks to lk-jwt-service).
    const stackPods = [props.homeserver, props.livekit, props.lkJwt].filter((c) => c !== undefined).map((c) => c!.selectorLabels[SELECTOR_LABEL]);
    const httpSources: k8s.NetworkPolicyPeer[] | undefined = props.ingressControllerNamespace === undefined ? undefined : [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.ingressControllerNamespace } } },
      { podSelector: { matchExpressions: [{ key: SELECTOR_LABEL, operator: 'In', values: stackPods }] } },
    ];
    const policy = (
      constructId: string,
      baseName: string,
      selector: Record<string, string>,
      ports: ListenerPort[],
      from?: k8s.NetworkPolicyPeer[],
    ) => {
      const name = prefixed(props.namePrefix, baseName);
      return new k8s.KubeNetworkPolicy(this, constructId, {
        metadata: { name, labels: recommendedLabels('matrix-chat', 'network-policy', name, props.labels) },
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ ...(from ? { from } : {}), ports: ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })) }],
          egress: [{}],
        },
      });
    };
    if (props.homeserver) {
      this.homeserverPolicy = policy('homeserver', BASE_NAMES.homeserverPolicy, props.homeserver.selectorLabels, [{ port: props.homeserver.port, protocol: 'TCP' }], httpSources);
    }
    // Host-network SFU pods (scale-out mode) are outside NetworkPolicy's reach: no policy for them.
    if (props.livekit && !props.livekit.hostNetwork) {
      this.livekitPolicy = policy('livekit', BASE_NAMES.livekitPolicy, props.livekit.selectorLabels, props.livekit.listenerPorts);
    }
    if (props.lkJwt) {
      this.lkJwtPolicy = policy('lk-jwt', BASE_NAMES.lkJwtPolicy, props.lkJwt.selectorLabels, [{ port: props.lkJwt.port, protocol: 'TCP' }], httpSources);
    }
    if (props.elementWeb) {
      // Only browsers (through the ingress) fetch Element Web; no pod of the stack calls it.
      const fromIngress = httpSources?.slice(0, 1);
      this.elementWebPolicy = policy('element-web', BASE_NAMES.elementWebPolicy, props.elementWeb.selectorLabels, [{ port: props.elementWeb.port, protocol: 'TCP' }], fromIngress);
    }
  }

  /** The objects this construct generated. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
