// The LiveKit SFU: its props and the construct that renders Deployment, ConfigMap, Secret, Services and ServiceMonitor.
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { configMapOf, opaqueSecretOf } from './component';
import { configHash } from './config-hash';
import { ImageProps } from './images';
import { checkedProps } from './known-props';
import { LIVEKIT_CONFIG_PATHS, livekitConfig, livekitConfigYaml } from './livekit-config';
import { LiveKitKeysProps, LiveKitLoggingProps, LiveKitMetricsProps, LiveKitRoomProps, LiveKitScaleOutProps, LiveKitWebhookProps, NodeAddressSource, RtcProps } from './livekit-props';
import { LiveKitResolved, checkLiveKit, resolveLiveKit } from './livekit-settings';
import { CONFIG_HASH_ANNOTATION } from './names';
import { ComponentProps, PodPlacementProps, apiObjectsOf, commonPodSpec, placementPodSpec } from './pod';
import { resourceRequirements } from './resources';
import { RTC_ADDRESS_MOUNT, RtcAddressRbac, createRtcAddressRbac, liveKitWithDiscoveredAddress, rtcAddressInitContainer, rtcAddressVolumes } from './rtc-address';
import { SECRET_FILE_MODE, containerSecurityContext, podSecurityContext } from './security-context';
import { serviceIpFamilySpec } from './service-ip-families';
import { liveKitStartupCheck, mergeLiveKitExtraConfig } from './startup-guard';
import { TurnProps, TurnRelay } from './turn-relay';
import { Problems, reportProblems } from './validation';
import { inScope, scopeOf } from './validation-scope';

/** Settings of the LiveKit SFU. */
export interface LiveKitSettings extends PodPlacementProps {
  /**
   * LiveKit image; its registry is its own, so a private mirror set elsewhere does not rewrite it.
   * @default docker.io/livekit/livekit-server:v1.13.5
   */
  readonly image?: ImageProps;

  /**
   * Public `wss://` URL of LiveKit that lk-jwt-service hands to browsers.
   * @default `wss://<serverName>` for the bundled SFU; required for an external LiveKit
   */
  readonly publicUrl?: string;

  /**
   * API credentials.
   * @default none; required
   */
  readonly keys?: LiveKitKeysProps;

  /**
   * Media ports, advertised address and the RTC LoadBalancer.
   * @default ports 7880/7881/7882 and STUN discovery
   */
  readonly rtc?: RtcProps;

  /**
   * Log level and format of the SFU.
   * @default LiveKit's: info, console text
   */
  readonly logging?: LiveKitLoggingProps;

  /**
   * Defaults for the rooms the SFU creates (empty timeout, participant limit).
   * @default LiveKit's: 5 minutes, no limit
   */
  readonly room?: LiveKitRoomProps;

  /**
   * Built-in TURNS relay for clients behind symmetric NAT.
   * @default disabled
   */
  readonly turn?: TurnProps;

  /**
   * CPU and memory of the SFU container.
   * @default requests 500m CPU and 512Mi memory, limit 2Gi memory
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Webhooks to lk-jwt-service.
   * @default disabled
   */
  readonly webhooks?: LiveKitWebhookProps;

  /**
   * Prometheus metrics.
   * @default disabled
   */
  readonly metrics?: LiveKitMetricsProps;

  /**
   * Distributed mode on Redis.
   * @default one SFU behind the RTC LoadBalancer
   */
  readonly scaleOut?: LiveKitScaleOutProps;

  /**
   * Seconds a stopping SFU may keep serving: LiveKit drains on SIGTERM and exits when the last participant leaves.
   * @default 7200 (two hours, a long call)
   */
  readonly terminationGracePeriodSeconds?: number;

  /**
   * Keep Istio and Linkerd sidecars off the SFU pods (sidecars break UDP media).
   * @default true
   */
  readonly meshSidecarOptOut?: boolean;

  /**
   * Further keys of LiveKit's config.yaml, deep-merged: keys LiveKit v1.13.5 declares (it refuses unknown ones at start), none the construct manages, no credentials.
   * @default none
   */
  readonly extraConfig?: Record<string, any>;
}

/** Props of a standalone `LiveKit`. */
export interface LiveKitProps extends LiveKitSettings, ComponentProps {
  /**
   * In-cluster base URL of lk-jwt-service; webhooks go to `<lkJwtUrl>/sfu_webhook`.
   * @default `http://<namePrefix>lk-jwt-service:8080`
   */
  readonly lkJwtUrl?: string;
}

/** Where lk-jwt-service and the SFU read the LiveKit credentials from. */
export interface LiveKitCredentialsRef {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Key holding the API key. */
  readonly apiKeyKey: string;
  /** Key holding the API secret. */
  readonly apiSecretKey: string;
  /** Key holding `<apiKey>: <apiSecret>`. */
  readonly livekitKeysKey: string;
}

/** A port a pod listens on, as a NetworkPolicy admits it. */
export interface ListenerPort {
  /** Port number. */
  readonly port: number;
  /** `TCP` or `UDP`. */
  readonly protocol: string;
}

/** Tells the two LiveKit Services apart (a ServiceMonitor must select only the signaling one). */
const SERVICE_ROLE_LABEL = 'matrix-chat.cdk8s.io/service-role';

/**
 * The LiveKit SFU: Deployment, `config.yaml` ConfigMap, credentials Secret (inline keys only),
 * the signaling ClusterIP Service behind the ingress and the RTC LoadBalancer for media.
 */
export class LiveKit extends Construct {
  /** Name of the Deployment. */
  public readonly name: string;
  /** Labels selecting the SFU pods. */
  public readonly selectorLabels: Record<string, string>;
  /** Signaling (HTTP/WebSocket) port. */
  public readonly signalingPort: number;
  /** Name of the signaling Service. */
  public readonly signalingServiceName: string;
  /** Every port the SFU listens on (signaling, media and TURNS). */
  public readonly listenerPorts: ListenerPort[];
  /** Where the credentials are read from. */
  public readonly credentials: LiveKitCredentialsRef;
  /** The generated `config.yaml`. */
  public readonly configYaml: string;
  /** The TURNS relay, when enabled. */
  public readonly turnRelay?: TurnRelay;
  /** ConfigMap holding `config.yaml`. */
  public readonly configMap: k8s.KubeConfigMap;
  /** Secret holding inline credentials; undefined with `keys.existingSecret`. */
  public readonly secret?: k8s.KubeSecret;
  /** The SFU Deployment (L1, like every workload here: see `Homeserver.statefulSet`). */
  public readonly deployment: k8s.KubeDeployment;
  /** ClusterIP Service for signaling and Twirp, reached through the ingress. */
  public readonly signalingService: k8s.KubeService;
  /** LoadBalancer Service for media: the only LoadBalancer in the stack (none in scale-out mode). */
  public readonly rtcService?: k8s.KubeService;
  /** The Prometheus Operator ServiceMonitor, when enabled. */
  public readonly serviceMonitor?: ApiObject;
  /** True in scale-out mode: the pods use the host network, so NetworkPolicies do not apply to them. */
  public readonly hostNetwork: boolean;
  /** Hash of the inline credentials ('' with an existing Secret), so pods reading them roll when they change. */
  public readonly credentialsHash: string;
  /** ServiceAccount of the LoadBalancer address lookup (`NodeAddressSource.LOAD_BALANCER`). */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  /** Role allowing only `get` on the `livekit-rtc` Service (`NodeAddressSource.LOAD_BALANCER`). */
  public readonly rtcAddressRole?: k8s.KubeRole;
  /** Binds `rtcAddressRole` to `serviceAccount`. */
  public readonly rtcAddressRoleBinding?: k8s.KubeRoleBinding;

  constructor(scope: Construct, id: string, props: LiveKitProps) {
    super(scope, id);
    props = checkedProps(this, 'LiveKitProps', props);
    const problems = new Problems();
    const prefix = scopeOf(props).prefix;
    if (props.turn?.enabled) {
      this.turnRelay = new TurnRelay(this, 'turn', inScope({ ...props.turn, namePrefix: props.namePrefix, labels: props.labels }, { prefix: `${prefix}turn.`, parentValidated: true }));
    }
    const settings = resolveLiveKit(props, this.turnRelay);
    this.name = settings.name;
    this.selectorLabels = settings.selectorLabels;
    this.signalingServiceName = settings.signalingServiceName;
    this.signalingPort = settings.signalingPort;
    this.credentials = settings.credentials;
    this.hostNetwork = settings.scaleOut !== undefined;
    checkLiveKit(problems, settings, prefix);
    const rbac = this.createRtcAddressRbac(settings);
    this.serviceAccount = rbac?.serviceAccount;
    this.rtcAddressRole = rbac?.role;
    this.rtcAddressRoleBinding = rbac?.roleBinding;

    const config = mergeLiveKitExtraConfig(problems, prefix, livekitConfig(settings), props.extraConfig);
    liveKitStartupCheck(problems, prefix, config, {
      webhooks: settings.webhookUrls !== undefined,
      mountedFiles: new Map(this.turnRelay?.mountsCertificate
        ? [this.turnRelay.certPath, this.turnRelay.keyPath].map((f) => [f, { mode: SECRET_FILE_MODE }])
        : []),
      inlineApiKey: settings.inlineKeys === '' ? undefined : settings.props.keys?.apiKey,
      extraConfig: props.extraConfig,
    });
    this.configYaml = livekitConfigYaml(config);
    this.configMap = configMapOf(this, settings.configName, settings.labels, LIVEKIT_CONFIG_PATHS.file, this.configYaml);
    this.secret = this.createSecret(settings);
    this.credentialsHash = settings.inlineKeys === '' ? '' : configHash(settings.inlineKeys);
    const containerPorts = this.containerPorts(settings);
    this.listenerPorts = containerPorts.map((p) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP' }));
    this.deployment = this.createWorkload(problems, settings, containerPorts);
    this.signalingService = this.createSignalingService(settings);
    if (!settings.scaleOut) this.rtcService = this.createRtcService(settings);
    if (settings.metrics?.serviceMonitor?.enabled) this.serviceMonitor = this.createServiceMonitor(settings, settings.metrics);
    reportProblems(this, problems);
  }

  /** The objects this construct generated, for escape hatches (`addJsonPatch`, labels). */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }

  private createRtcAddressRbac(s: LiveKitResolved): RtcAddressRbac | undefined {
    return s.rtcAddress ? createRtcAddressRbac(this, s, s.rtcAddress, Chart.of(this).namespace) : undefined;
  }

  private createSecret(s: LiveKitResolved): k8s.KubeSecret | undefined {
    if (s.inlineKeys === '') return undefined;
    return opaqueSecretOf(this, s.credentials.secretName, s.labels, {
      LIVEKIT_KEYS: s.inlineKeys,
      LIVEKIT_API_KEY: s.props.keys!.apiKey!,
      LIVEKIT_API_SECRET: s.props.keys!.apiSecret!,
    }, s.pruneProtection);
  }

  private containerPorts(s: LiveKitResolved): k8s.ContainerPort[] {
    return [
      { name: 'signaling', containerPort: s.signalingPort, protocol: 'TCP' },
      { name: 'rtc-tcp', containerPort: s.tcpPort, protocol: 'TCP' },
      // A range is host-network only, where containerPorts are informational: thousands of entries would only bloat the pod spec.
      ...(s.udpPortRange ? [] : [{ name: 'rtc-udp', containerPort: s.udpPort, protocol: 'UDP' }]),
      ...(s.turn ? [s.turn.containerPort] : []),
      ...(s.metrics ? [{ name: 'metrics', containerPort: s.metrics.port, protocol: 'TCP' }] : []),
    ];
  }

  private createWorkload(problems: Problems, s: LiveKitResolved, ports: k8s.ContainerPort[]): k8s.KubeDeployment {
    const scaleOut = s.scaleOut;
    const meshOptOut = s.meshSidecarOptOut;
    const common = commonPodSpec(s.props);
    return new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: s.name, labels: s.labels },
      spec: {
        replicas: scaleOut ? scaleOut.replicas : 1,
        selector: { matchLabels: s.selectorLabels },
        // Single SFU: start the new pod before stopping the old one. Host network: the ports are
        // taken on the node, so replace one node at a time instead (a surge pod could not start).
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: scaleOut
            ? { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) }
            : { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: {
          metadata: {
            labels: { ...s.labels, ...(meshOptOut ? { 'sidecar.istio.io/inject': 'false' } : {}), ...s.selectorLabels },
            annotations: {
              [CONFIG_HASH_ANNOTATION]: configHash(this.configYaml, s.inlineKeys),
              ...(meshOptOut ? { 'sidecar.istio.io/inject': 'false', 'linkerd.io/inject': 'disabled' } : {}),
            },
          },
          spec: {
            ...common,
            // In scale-out mode every SFU pod binds its ports on its node: one pod per node.
            affinity: scaleOut ? withHostAntiAffinity(common.affinity, s.selectorLabels) : common.affinity,
            ...placementPodSpec(s.props),
            ...(scaleOut ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
            terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
            // fsGroup: Secret and ConfigMap files are owned by gid fsGroup (0 without it), so the
            // SFU reads its 0440 TURNS certificate and key only through this group.
            securityContext: podSecurityContext(true),
            ...(s.rtcAddress
              ? { serviceAccountName: s.rtcAddress.serviceAccountName, initContainers: [rtcAddressInitContainer(s, s.rtcAddress)] }
              : {}),
            containers: [this.container(problems, s, ports)],
            volumes: [
              { name: 'config', configMap: { name: s.configName, items: [{ key: LIVEKIT_CONFIG_PATHS.file, path: LIVEKIT_CONFIG_PATHS.file }] } },
              ...(s.turn?.mountsCertificate ? [s.turn.volume] : []),
              ...(s.rtcAddress ? rtcAddressVolumes() : []),
            ],
          },
        },
      },
    });
  }

  private container(problems: Problems, s: LiveKitResolved, ports: k8s.ContainerPort[]): k8s.Container {
    const probe = (failureThreshold: number): k8s.Probe => ({
      httpGet: { path: '/', port: k8s.IntOrString.fromString('signaling') },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold,
    });
    return {
      name: 'livekit',
      image: s.image,
      ...(s.rtcAddress ? liveKitWithDiscoveredAddress() : { args: ['--config', `${LIVEKIT_CONFIG_PATHS.dir}/${LIVEKIT_CONFIG_PATHS.file}`] }),
      env: containerEnv(s),
      ports,
      volumeMounts: [
        { name: 'config', mountPath: LIVEKIT_CONFIG_PATHS.dir, readOnly: true },
        ...(s.turn?.mountsCertificate ? [s.turn.volumeMount] : []),
        ...(s.rtcAddress ? [RTC_ADDRESS_MOUNT] : []),
      ],
      readinessProbe: probe(3),
      livenessProbe: probe(6),
      resources: resourceRequirements(problems, `${s.scope.prefix}resources`, s.props.resources, s.resourceDefaults),
      securityContext: containerSecurityContext(),
    };
  }

  private createSignalingService(s: LiveKitResolved): k8s.KubeService {
    return new k8s.KubeService(this, 'signaling', {
      metadata: { name: s.signalingServiceName, labels: { ...s.labels, [SERVICE_ROLE_LABEL]: 'signaling' } },
      spec: {
        type: 'ClusterIP',
        ...serviceIpFamilySpec(s.props),
        selector: s.selectorLabels,
        ports: [
          { name: 'signaling', port: s.signalingPort, targetPort: k8s.IntOrString.fromNumber(s.signalingPort), protocol: 'TCP' },
          ...(s.metrics ? [{ name: 'metrics', port: s.metrics.port, targetPort: k8s.IntOrString.fromNumber(s.metrics.port), protocol: 'TCP' }] : []),
        ],
      },
    });
  }

  private createRtcService(s: LiveKitResolved): k8s.KubeService {
    // port == targetPort: LiveKit advertises its own ports in ICE candidates, so the LB must not remap them.
    return new k8s.KubeService(this, 'rtc', {
      metadata: {
        name: s.rtcServiceName,
        labels: { ...s.labels, ...s.props.rtc?.serviceLabels, [SERVICE_ROLE_LABEL]: 'rtc' },
        annotations: nonEmpty(s.props.rtc?.serviceAnnotations),
      },
      spec: {
        type: 'LoadBalancer',
        ...serviceIpFamilySpec(s.props),
        selector: s.selectorLabels,
        ports: [
          { name: 'rtc-udp', port: s.udpPort, targetPort: k8s.IntOrString.fromNumber(s.udpPort), protocol: 'UDP' },
          { name: 'rtc-tcp', port: s.tcpPort, targetPort: k8s.IntOrString.fromNumber(s.tcpPort), protocol: 'TCP' },
          ...(s.turn ? [s.turn.servicePort] : []),
        ],
      },
    });
  }

  private createServiceMonitor(s: LiveKitResolved, metrics: NonNullable<LiveKitResolved['metrics']>): ApiObject {
    return new ApiObject(this, 'service-monitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: s.name, labels: { ...s.labels, ...metrics.serviceMonitor?.labels } },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/instance': s.name, [SERVICE_ROLE_LABEL]: 'signaling' } },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: metrics.interval }],
      },
    } as any);
  }
}

/** The SFU's environment: credentials and Redis passwords from Secrets, the node IP from the downward API. */
function containerEnv(s: LiveKitResolved): k8s.EnvVar[] {
  const secretEnv = (name: string, ref: { name: string; key: string }): k8s.EnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
  });
  const redis = s.scaleOut?.redis;
  return [
    secretEnv('LIVEKIT_KEYS', { name: s.credentials.secretName, key: s.credentials.livekitKeysKey }),
    ...(s.webhookUrls ? [secretEnv('LIVEKIT_WEBHOOK_API_KEY', { name: s.credentials.secretName, key: s.credentials.apiKeyKey })] : []),
    ...(redis?.passwordSecret ? [secretEnv('LIVEKIT_REDIS_PASSWORD', redis.passwordSecret)] : []),
    ...(redis?.sentinelPasswordSecret ? [secretEnv('LIVEKIT_REDIS_SENTINEL_PASSWORD', redis.sentinelPasswordSecret)] : []),
    ...((s.scaleOut?.nodeAddress ?? s.nodeAddress) === NodeAddressSource.HOST_IP ? [{ name: 'NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }] : []),
  ];
}

/** Adds a required one-pod-per-node anti-affinity term to the user's affinity. */
function withHostAntiAffinity(affinity: k8s.Affinity | undefined, selector: Record<string, string>): k8s.Affinity {
  const term: k8s.PodAffinityTerm = { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' };
  return {
    ...affinity,
    podAntiAffinity: {
      ...affinity?.podAntiAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: [...(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []), term],
    },
  };
}

function nonEmpty(map: Record<string, string> | undefined): Record<string, string> | undefined {
  return map && Object.keys(map).length > 0 ? { ...map } : undefined;
}
