import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Homeserver } from './homeserver';
import { ListenerPort, LiveKit } from './livekit';
import { LkJwt } from './lk-jwt';
import { BASE_NAMES, prefixed, recommendedLabels } from './names';

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

  constructor(scope: Construct, id: string, props: MatrixNetworkPoliciesProps) {
    super(scope, id);
    const policy = (constructId: string, baseName: string, selector: Record<string, string>, ports: ListenerPort[]) => {
      const name = prefixed(props.namePrefix, baseName);
      return new k8s.KubeNetworkPolicy(this, constructId, {
        metadata: { name, labels: recommendedLabels('matrix-chat', 'network-policy', name, props.labels) },
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ ports: ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })) }],
          egress: [{}],
        },
      });
    };
    if (props.homeserver) {
      this.homeserverPolicy = policy('homeserver', BASE_NAMES.homeserverPolicy, props.homeserver.selectorLabels, [{ port: props.homeserver.port, protocol: 'TCP' }]);
    }
    if (props.livekit) {
      this.livekitPolicy = policy('livekit', BASE_NAMES.livekitPolicy, props.livekit.selectorLabels, props.livekit.listenerPorts);
    }
    if (props.lkJwt) {
      this.lkJwtPolicy = policy('lk-jwt', BASE_NAMES.lkJwtPolicy, props.lkJwt.selectorLabels, [{ port: props.lkJwt.port, protocol: 'TCP' }]);
    }
  }

  /** The objects this construct generated. */
  public get apiObjects(): ApiObject[] {
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  }
}
