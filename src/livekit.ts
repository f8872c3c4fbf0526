import { ApiObject, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ImageProps, LIVEKIT_IMAGE, checkImage, imageReference } from './images';
import { BASE_NAMES, CONFIG_HASH_ANNOTATION, prefixed, recommendedLabels, selectorLabels } from './names';
import { ComponentProps, checkComponentProps, commonPodSpec, configHash, containerSecurityContext, isManagedScope, podSecurityContext, resourceRequirements } from './pod';
import { TurnProps, TurnRelay } from './turn-relay';
import { Problems, checkAnnotations, checkContainerPort, checkDistinctPorts, checkLabels, checkSecretReference, isIpAddress, show } from './validation';

/** A user-managed Secret holding the LiveKit API key and secret. */
export interface LiveKitExistingSecret {
  /** Name of the Secret in the chart's namespace. */
  readonly name: string;

  /**
   * Key holding the API key (read by lk-jwt-service).
   * @default 'LIVEKIT_API_KEY'
   */
  readonly apiKeyKey?: string;

  /**
   * Key holding the API secret (read by lk-jwt-service).
   * @default 'LIVEKIT_API_SECRET'
   */
  readonly apiSecretKey?: string;

  /**
   * Key holding `<apiKey>: <apiSecret>` (read by the bundled LiveKit server as LIVEKIT_KEYS).
   * @default 'LIVEKIT_KEYS'
   */
  readonly livekitKeysKey?: string;
}

/** LiveKit API credentials, shared by the SFU and lk-jwt-service. */
export interface LiveKitKeysProps {
  /**
   * API key, stored in the Secret `livekit-secret`.
   * @default none; prefer `existingSecret`
   */
  readonly apiKey?: string;

  /**
   * API secret of at least 32 characters, stored in the Secret `livekit-secret`.
   * @default none; prefer `existingSecret`
   */
  readonly apiSecret?: string;

  /**
   * A user-managed Secret holding the credentials (for external secret managers); required for an external LiveKit.
   * @default none
   */
  readonly existingSecret?: LiveKitExistingSecret;
}

/** Media (RTC) networking of the SFU. */
export interface RtcProps {
  /**
   * Signaling, Twirp and health port (behind the ingress).
   * @default 7880
   */
  readonly signalingPort?: number;

  /**
   * ICE/TCP media port, published by the `livekit-rtc` LoadBalancer.
   * @default 7881
   */
  readonly tcpPort?: number;

  /**
   * Single UDP media port (UDP mux), published by the `livekit-rtc` LoadBalancer.
   * @default 7882
   */
  readonly udpPort?: number;

  /**
   * Public IP LiveKit advertises in ICE candidates: the `livekit-rtc` LoadBalancer's external IP; disables STUN discovery.
   * @default none; the address is discovered with STUN (`useExternalIp`)
   */
  readonly nodeIp?: string;

  /**
   * Discover the public IP with STUN when `nodeIp` is not set.
   * @default true
   */
  readonly useExternalIp?: boolean;

  /**
   * Labels added to the `livekit-rtc` Service (some bare-metal LoadBalancer controllers pick the IP pool by label).
   * @default none
   */
  readonly serviceLabels?: Record<string, string>;

  /**
   * Annotations added to the `livekit-rtc` Service (e.g. a static IP request for the cloud's load balancer).
   * @default none
   */
  readonly serviceAnnotations?: Record<string, string>;
}

/** Settings of the LiveKit SFU. */
export interface LiveKitSettings {
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
   * Built-in TURNS relay for clients behind symmetric NAT.
   * @default disabled
   */
  readonly turn?: TurnProps;

  /**
   * CPU and memory of the SFU container.
   * @default requests 500m CPU and 512Mi memory, limit 2Gi memory
   */
  readonly resources?: kplus.ContainerResources;
}

/** Props of a standalone `LiveKit`. */
export interface LiveKitProps extends LiveKitSettings, ComponentProps {}

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

const CONFIG_DIR = '/etc/livekit';
const CONFIG_FILE = 'config.yaml';

/** Where the credentials live: the user's Secret, or the bundled `livekit-secret`. */
export function liveKitCredentials(keys: LiveKitKeysProps | undefined, namePrefix: string | undefined): LiveKitCredentialsRef {
  const existing = keys?.existingSecret;
  return {
    secretName: existing?.name ?? prefixed(namePrefix, BASE_NAMES.livekitSecret),
    apiKeyKey: existing?.apiKeyKey ?? 'LIVEKIT_API_KEY',
    apiSecretKey: existing?.apiSecretKey ?? 'LIVEKIT_API_SECRET',
    livekitKeysKey: existing?.livekitKeysKey ?? 'LIVEKIT_KEYS',
  };
}

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
  /** The SFU Deployment (L1, so its selector is the chart's stable `app` label and not a path hash). */
  public readonly deployment: k8s.KubeDeployment;
  /** ClusterIP Service for signaling and Twirp, reached through the ingress. */
  public readonly signalingService: k8s.KubeService;
  /** LoadBalancer Service for media: the only LoadBalancer in the stack. */
  public readonly rtcService: k8s.KubeService;

  constructor(scope: Construct, id: string, props: LiveKitProps) {
    super(scope, id);
    const problems = new Problems();
    this.name = prefixed(props.namePrefix, BASE_NAMES.livekit);
    this.selectorLabels = selectorLabels(this.name);
    this.signalingServiceName = prefixed(props.namePrefix, BASE_NAMES.livekitSignaling);
    const rtcServiceName = prefixed(props.namePrefix, BASE_NAMES.livekitRtc);
    const configName = prefixed(props.namePrefix, BASE_NAMES.livekitConfig);
    const labels = recommendedLabels('livekit', 'sfu', this.name, props.labels);

    this.signalingPort = props.rtc?.signalingPort ?? 7880;
    const tcpPort = props.rtc?.tcpPort ?? 7881;
    const udpPort = props.rtc?.udpPort ?? 7882;
    const nodeIp = props.rtc?.nodeIp;
    // LiveKit only honours node_ip while use_external_ip is false.
    const useExternalIp = nodeIp !== undefined ? false : props.rtc?.useExternalIp ?? true;
    this.credentials = liveKitCredentials(props.keys, props.namePrefix);

    if (props.turn?.enabled) {
      this.turnRelay = new TurnRelay(this, 'turn', props.turn);
    }

    if (!isManagedScope(scope)) checkComponentProps(problems, props);
    checkLiveKitProps(problems, props, this.turnRelay);

    const config: Record<string, unknown> = {
      port: this.signalingPort,
      rtc: {
        tcp_port: tcpPort,
        // One UDP mux port, so the LoadBalancer forwards exactly one UDP port.
        udp_port: udpPort,
        use_external_ip: useExternalIp,
        ...(nodeIp !== undefined ? { node_ip: nodeIp } : {}),
      },
      // lk-jwt-service creates rooms for authorised users; auto-creation would let anyone with a token open rooms.
      room: { auto_create: false },
      ...(this.turnRelay ? { turn: this.turnRelay.configSection } : {}),
    };
    this.configYaml = Yaml.stringify(config);

    this.configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: configName, labels },
      data: { [CONFIG_FILE]: this.configYaml },
    });

    let inlineKeys = '';
    if (!props.keys?.existingSecret && props.keys?.apiKey !== undefined && props.keys?.apiSecret !== undefined) {
      // Serialized as YAML, so any key or secret (an all-digit one included) arrives as a string.
      inlineKeys = Yaml.stringify({ [props.keys.apiKey]: props.keys.apiSecret }).trimEnd();
      this.secret = new k8s.KubeSecret(this, 'secret', {
        metadata: { name: this.credentials.secretName, labels },
        type: 'Opaque',
        data: {
          LIVEKIT_KEYS: base64(inlineKeys),
          LIVEKIT_API_KEY: base64(props.keys.apiKey),
          LIVEKIT_API_SECRET: base64(props.keys.apiSecret),
        },
      });
    }

    const containerPorts: k8s.ContainerPort[] = [
      { name: 'signaling', containerPort: this.signalingPort, protocol: 'TCP' },
      { name: 'rtc-tcp', containerPort: tcpPort, protocol: 'TCP' },
      { name: 'rtc-udp', containerPort: udpPort, protocol: 'UDP' },
      ...(this.turnRelay ? [this.turnRelay.containerPort] : []),
    ];
    this.listenerPorts = containerPorts.map((p) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP' }));

    const probe = (failureThreshold: number): k8s.Probe => ({
      httpGet: { path: '/', port: k8s.IntOrString.fromString('signaling') },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold,
    });

    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: this.name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: this.selectorLabels },
        // Start the new SFU before stopping the old one, so there is always one serving.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: {
            labels: { ...labels, ...this.selectorLabels },
            annotations: { [CONFIG_HASH_ANNOTATION]: configHash(this.configYaml, inlineKeys) },
          },
          spec: {
            ...commonPodSpec(props),
            securityContext: podSecurityContext(false),
            containers: [{
              name: 'livekit',
              image: imageReference(props.image, LIVEKIT_IMAGE),
              args: ['--config', `${CONFIG_DIR}/${CONFIG_FILE}`],
              env: [{
                name: 'LIVEKIT_KEYS',
                valueFrom: { secretKeyRef: { name: this.credentials.secretName, key: this.credentials.livekitKeysKey } },
              }],
              ports: containerPorts,
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                ...(this.turnRelay ? [this.turnRelay.volumeMount] : []),
              ],
              readinessProbe: probe(3),
              livenessProbe: probe(6),
              resources: resourceRequirements(problems, 'livekit.resources', props.resources, { cpuRequest: '500m', memoryRequest: '512Mi', memoryLimit: '2Gi' }),
              securityContext: containerSecurityContext(),
            }],
            volumes: [
              { name: 'config', configMap: { name: configName, items: [{ key: CONFIG_FILE, path: CONFIG_FILE }] } },
              ...(this.turnRelay ? [this.turnRelay.volume] : []),
            ],
          },
        },
      },
    });

    this.signalingService = new k8s.KubeService(this, 'signaling', {
      metadata: { name: this.signalingServiceName, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [{ name: 'signaling', port: this.signalingPort, targetPort: k8s.IntOrString.fromNumber(this.signalingPort), protocol: 'TCP' }],
      },
    });

    // port == targetPort: LiveKit advertises its own ports in ICE candidates, so the LB must not remap them.
    this.rtcService = new k8s.KubeService(this, 'rtc', {
      metadata: {
        name: rtcServiceName,
        labels: { ...labels, ...props.rtc?.serviceLabels },
        annotations: props.rtc?.serviceAnnotations && Object.keys(props.rtc.serviceAnnotations).length > 0 ? { ...props.rtc.serviceAnnotations } : undefined,
      },
      spec: {
        type: 'LoadBalancer',
        selector: this.selectorLabels,
        ports: [
          { name: 'rtc-udp', port: udpPort, targetPort: k8s.IntOrString.fromNumber(udpPort), protocol: 'UDP' },
          { name: 'rtc-tcp', port: tcpPort, targetPort: k8s.IntOrString.fromNumber(tcpPort), protocol: 'TCP' },
          ...(this.turnRelay ? [this.turnRelay.servicePort] : []),
        ],
      },
    });

    this.node.addValidation({ validate: () => problems.all });
  }

  /** The objects this construct generated, for escape hatches (`addJsonPatch`, labels). */
  public get apiObjects(): ApiObject[] {
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  }
}

function base64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

// eslint-disable-next-line no-control-regex
const UNSAFE_CREDENTIAL = /[\u0000-\u001f\u007f]|^\s|\s$/;

function checkLiveKitProps(problems: Problems, props: LiveKitProps, turnRelay: TurnRelay | undefined): void {
  checkImage(problems, 'livekit.image', props.image, LIVEKIT_IMAGE);
  const keys = props.keys;
  const hasInline = keys?.apiKey !== undefined || keys?.apiSecret !== undefined;
  if (!hasInline && !keys?.existingSecret) {
    problems.add(
      'livekit.keys',
      'no credentials are set',
      'livekit-server would start with no signing key and lk-jwt-service would reference a Secret that does not exist, so no call can start',
      'set livekit.keys.existingSecret.name (a Secret with LIVEKIT_KEYS, LIVEKIT_API_KEY and LIVEKIT_API_SECRET) or livekit.keys.apiKey and livekit.keys.apiSecret',
    );
  }
  if (hasInline && keys?.existingSecret) {
    problems.add('livekit.keys.apiKey', 'inline credentials are set together with livekit.keys.existingSecret', 'only the existing Secret would be used, and the inline values would be silently ignored', 'remove livekit.keys.apiKey/apiSecret or livekit.keys.existingSecret');
  }
  if (hasInline && !keys?.existingSecret) {
    if (keys?.apiKey === undefined || keys.apiKey === '') {
      problems.add('livekit.keys.apiKey', 'is not set while livekit.keys.apiSecret is', 'LiveKit needs both halves of the credential pair to sign and verify tokens', 'set livekit.keys.apiKey');
    } else if (typeof keys.apiKey !== 'string' || UNSAFE_CREDENTIAL.test(keys.apiKey)) {
      problems.add('livekit.keys.apiKey', 'contains control characters or leading/trailing whitespace', 'it is passed in environment variables and JWT claims, where such characters are mangled and authentication fails', 'use printable characters only, e.g. `openssl rand -hex 8` prefixed with "API"');
    }
    if (keys?.apiSecret === undefined || keys.apiSecret === '') {
      problems.add('livekit.keys.apiSecret', 'is not set while livekit.keys.apiKey is', 'LiveKit needs both halves of the credential pair to sign and verify tokens', 'set livekit.keys.apiSecret');
    } else if (typeof keys.apiSecret !== 'string' || UNSAFE_CREDENTIAL.test(keys.apiSecret)) {
      problems.add('livekit.keys.apiSecret', 'contains control characters or leading/trailing whitespace', 'it is passed in environment variables, where such characters are mangled and token signatures fail', 'use printable characters only, e.g. `openssl rand -hex 32`');
    } else if (keys.apiSecret.length < 32) {
      problems.add('livekit.keys.apiSecret', `is ${keys.apiSecret.length} characters long, fewer than 32`, 'livekit-server only logs a warning and starts with a weak signing key that can be brute-forced', 'use at least 32 characters, e.g. `openssl rand -hex 32`');
    }
  }
  if (keys?.existingSecret) {
    const ref = liveKitCredentials(keys, undefined);
    checkSecretReference(problems, 'livekit.keys.existingSecret', keys.existingSecret.name, [
      { path: 'livekit.keys.existingSecret.apiKeyKey', key: ref.apiKeyKey },
      { path: 'livekit.keys.existingSecret.apiSecretKey', key: ref.apiSecretKey },
      { path: 'livekit.keys.existingSecret.livekitKeysKey', key: ref.livekitKeysKey },
    ]);
  }

  const rtc = props.rtc ?? {};
  checkContainerPort(problems, 'livekit.rtc.signalingPort', rtc.signalingPort ?? 7880);
  checkContainerPort(problems, 'livekit.rtc.tcpPort', rtc.tcpPort ?? 7881);
  checkContainerPort(problems, 'livekit.rtc.udpPort', rtc.udpPort ?? 7882);
  checkDistinctPorts(problems, [
    { path: 'livekit.rtc.signalingPort', port: rtc.signalingPort ?? 7880 },
    { path: 'livekit.rtc.tcpPort', port: rtc.tcpPort ?? 7881 },
    // UDP and TCP could share a number, but LiveKit's TCP listeners and the LB port names would collide in practice.
    { path: 'livekit.rtc.udpPort', port: rtc.udpPort ?? 7882 },
    { path: 'livekit.turn.tlsPort', port: turnRelay?.tlsPort },
  ]);
  if (rtc.nodeIp !== undefined && !isIpAddress(rtc.nodeIp)) {
    problems.add('livekit.rtc.nodeIp', `${show(rtc.nodeIp)} is not an IPv4 or IPv6 address`, 'LiveKit would advertise an unusable ICE candidate and calls connect with no media', 'set the external IP of the livekit-rtc LoadBalancer, e.g. "203.0.113.10"');
  }
  checkLabels(problems, 'livekit.rtc.serviceLabels', rtc.serviceLabels);
  checkAnnotations(problems, 'livekit.rtc.serviceAnnotations', rtc.serviceAnnotations);
}
