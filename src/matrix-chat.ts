import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ContentSecurityPolicySources, contentSecurityPolicySources, mergeContentSecurityPolicy } from './csp';
import { GatewayApiRoutingOptions, MatrixHttpRoute, Routing, RoutingKind } from './gateway-routes';
import { Homeserver, HomeserverSettings, checkLivekitServiceUrl, checkServerName } from './homeserver';
import { MatrixIngress, MatrixIngressOptions } from './ingress';
import { checkObjectSizes, isDnsLabel } from './k8s-rules';
import { LiveKit, LiveKitSettings, liveKitCredentials } from './livekit';
import { LkJwt, LkJwtSettings } from './lk-jwt';
import { BASE_NAMES, MAX_NAME_LENGTH, prefixed } from './names';
import { MatrixNetworkPolicies } from './network-policies';
import { SchedulingProps, apiObjectsOf, checkComponentProps, markManagedScope } from './pod';
import { MATRIX_CHAT_PROP_TYPES, sanitizeProps } from './prop-types';
import { TurnRelay } from './turn-relay';
import { Problems, checkSecretReference, isFullyQualifiedDnsName, parseUrl, reportProblems, show } from './validation';

/** The homeserver part of `MatrixChat`. */
export interface MatrixChatHomeserverOptions extends HomeserverSettings {
  /**
   * Deploy the Tuwunel homeserver.
   * @default true
   */
  readonly enabled?: boolean;
}

/** The LiveKit part of `MatrixChat`. */
export interface MatrixChatLiveKitOptions extends LiveKitSettings {
  /**
   * Deploy the bundled SFU; false uses an external LiveKit at `publicUrl` with credentials from `keys.existingSecret`.
   * @default true
   */
  readonly enabled?: boolean;
}

/** The lk-jwt-service part of `MatrixChat`. */
export interface MatrixChatLkJwtOptions extends LkJwtSettings {
  /**
   * Deploy lk-jwt-service (needed for calls).
   * @default true
   */
  readonly enabled?: boolean;
}

/** NetworkPolicies of the stack. */
export interface NetworkPolicyOptions {
  /**
   * Create one NetworkPolicy per pod.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Namespace of the ingress controller (or Gateway implementation): the homeserver and lk-jwt-service then admit HTTP only from it and from the stack's own pods; LiveKit media stays open.
   * @default HTTP admitted from any source, as the reference chart's in-namespace assumption would otherwise drop the ingress controller's traffic
   */
  readonly ingressControllerNamespace?: string;
}

/** Props of `MatrixChat`. */
export interface MatrixChatProps {
  /** The Matrix server name: ingress host, part of every user and room ID, and immutable once users exist. */
  readonly serverName: string;

  /**
   * Prefix for every object name; empty gives exactly the reference Helm chart's names.
   * @default ''
   */
  readonly namePrefix?: string;

  /**
   * The Tuwunel homeserver.
   * @default enabled, with registration guarded by a token you must provide
   */
  readonly homeserver?: MatrixChatHomeserverOptions;

  /**
   * The LiveKit SFU (bundled) or an external LiveKit.
   * @default bundled, with credentials you must provide
   */
  readonly livekit?: MatrixChatLiveKitOptions;

  /**
   * lk-jwt-service, the call token broker.
   * @default enabled
   */
  readonly lkJwt?: MatrixChatLkJwtOptions;

  /**
   * NetworkPolicies.
   * @default enabled
   */
  readonly networkPolicy?: NetworkPolicyOptions;

  /**
   * The Ingress on the server name (with `Routing.ingress()`).
   * @default enabled, class nginx, no TLS
   */
  readonly ingress?: MatrixIngressOptions;

  /**
   * How public HTTP reaches the stack: an Ingress, or Gateway API HTTPRoutes attached to your Gateway.
   * @default Routing.ingress()
   */
  readonly routing?: Routing;

  /**
   * Node selector, tolerations and affinity for every pod.
   * @default no scheduling constraints
   */
  readonly scheduling?: SchedulingProps;

  /**
   * Secrets used to pull every image.
   * @default none
   */
  readonly imagePullSecrets?: string[];

  /**
   * Labels added to every object.
   * @default none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A complete Matrix chat and calling stack: Tuwunel homeserver, LiveKit SFU (bundled or
 * external) with optional TURNS, lk-jwt-service, one Ingress and one NetworkPolicy per pod.
 *
 * Every misconfiguration is reported at synth, all at once.
 */
export class MatrixChat extends Construct {
  /** The homeserver, unless disabled. */
  public readonly homeserver?: Homeserver;
  /** The bundled SFU, unless disabled or external. */
  public readonly livekit?: LiveKit;
  /** The TURNS relay, when enabled on the bundled SFU. */
  public readonly turnRelay?: TurnRelay;
  /** lk-jwt-service, unless disabled. */
  public readonly lkJwt?: LkJwt;
  /** The Ingress, unless disabled, replaced by Gateway API routing, or there is nothing to route. */
  public readonly ingress?: MatrixIngress;
  /** The Gateway API HTTPRoute, with `Routing.gatewayApi()`. */
  public readonly httpRoute?: MatrixHttpRoute;
  /** The NetworkPolicies, unless disabled. */
  public readonly networkPolicies?: MatrixNetworkPolicies;
  /** Origins a web app embedding the chat must allow in its Content-Security-Policy. */
  public readonly contentSecurityPolicy: ContentSecurityPolicySources;
  /** LiveKit's public URL handed to browsers, when calls are configured. */
  public readonly livekitPublicUrl?: string;

  constructor(scope: Construct, id: string, props: MatrixChatProps) {
    super(scope, id);
    markManagedScope(this);
    const problems = new Problems();
    props = sanitizeProps(problems, MATRIX_CHAT_PROP_TYPES, props, ['serverName']);
    const serverName = props.serverName;
    const homeserverEnabled = props.homeserver?.enabled ?? true;
    const livekitBundled = props.livekit?.enabled ?? true;
    const lkJwtEnabled = props.lkJwt?.enabled ?? true;
    const networkPoliciesEnabled = props.networkPolicy?.enabled ?? true;
    const routing = props.routing ?? Routing.ingress();
    const gatewayApi: GatewayApiRoutingOptions | undefined = routing.kind === RoutingKind.GATEWAY_API ? routing.gatewayApiOptions : undefined;
    const ingressEnabled = !gatewayApi && (props.ingress?.enabled ?? true);
    const common = {
      namePrefix: props.namePrefix,
      labels: props.labels,
      scheduling: props.scheduling,
      imagePullSecrets: props.imagePullSecrets,
    };

    checkServerName(problems, serverName);
    checkNamePrefix(problems, props.namePrefix);
    checkComponentProps(problems, common);
    checkWellFormedStrings(problems, '', props);
    // Checked here, against what the user set, so a bad serverName is not reported again through derived URLs.
    if (homeserverEnabled && props.homeserver?.livekitServiceUrl !== undefined) {
      checkLivekitServiceUrl(problems, props.homeserver.livekitServiceUrl);
    }

    this.livekitPublicUrl = props.livekit?.publicUrl ?? (livekitBundled ? `wss://${serverName}` : undefined);
    if (props.livekit?.publicUrl !== undefined && !parseUrl(props.livekit.publicUrl, ['wss', 'ws'])) {
      problems.add('livekit.publicUrl', `${show(props.livekit.publicUrl)} is not a ws:// or wss:// URL`, 'lk-jwt-service hands it to browsers, which cannot open a LiveKit connection to it, so calls never connect', 'use the public WebSocket URL of LiveKit, e.g. "wss://matrix.example.org"');
    }
    if (props.livekit?.turn?.enabled && livekitBundled && props.livekit.turn.domain !== undefined && props.livekit.turn.domain === serverName) {
      problems.add('livekit.turn.domain', `equals serverName (${show(serverName)})`, 'the server name resolves to the ingress, where nothing listens for TURNS, so relayed calls fail', `use a dedicated name such as "turn.${serverName}" pointing at the livekit-rtc LoadBalancer IP`);
    }
    if (!livekitBundled) {
      checkExternalLiveKit(problems, props, lkJwtEnabled);
    }
    if (gatewayApi && props.ingress !== undefined) {
      problems.add('ingress', 'is set while routing is Routing.gatewayApi()', 'no Ingress is created with Gateway API routing, so these settings would be silently ignored', 'remove ingress, or configure TLS, allow-lists and timeouts on your Gateway and its policies');
    }
    if (props.livekit?.webhooks?.enabled && livekitBundled && !lkJwtEnabled) {
      problems.add('livekit.webhooks.enabled', 'is true while lkJwt.enabled is false', 'LiveKit would post every webhook to a lk-jwt-service that does not exist', 'enable lkJwt, or disable livekit.webhooks');
    }
    const ingressNamespace = props.networkPolicy?.ingressControllerNamespace;
    if (ingressNamespace !== undefined && !isDnsLabel(ingressNamespace)) {
      problems.add('networkPolicy.ingressControllerNamespace', `${show(ingressNamespace)} is not a namespace name`, 'the policy would admit no namespace, so every public request to the homeserver and lk-jwt-service is dropped', 'name the ingress controller\'s namespace, e.g. "ingress-nginx"');
    }
    if (ingressNamespace !== undefined && props.livekit?.scaleOut?.enabled && props.livekit?.webhooks?.enabled) {
      problems.add('networkPolicy.ingressControllerNamespace', 'is set while scale-out LiveKit sends webhooks', 'host-network SFU pods reach lk-jwt-service from node addresses, which a namespace or pod selector does not admit, so every webhook is dropped', 'leave ingressControllerNamespace unset in this combination, or disable livekit.webhooks');
    }

    if (homeserverEnabled) {
      this.homeserver = new Homeserver(this, 'homeserver', {
        ...props.homeserver,
        ...common,
        serverName,
        livekitServiceUrl: props.homeserver?.livekitServiceUrl ?? (lkJwtEnabled ? `https://${serverName}` : undefined),
      });
    }
    if (livekitBundled) {
      this.livekit = new LiveKit(this, 'livekit', { ...props.livekit, ...common });
      this.turnRelay = this.livekit.turnRelay;
    }
    if (lkJwtEnabled) {
      this.lkJwt = new LkJwt(this, 'lk-jwt', {
        ...props.lkJwt,
        ...common,
        serverName,
        // Validation reports a missing URL; the placeholder keeps construction going so all errors surface together.
        livekitUrl: this.livekitPublicUrl ?? '',
        credentials: this.livekit?.credentials ?? liveKitCredentials(props.livekit?.keys, props.namePrefix),
        credentialsHash: this.livekit?.credentialsHash,
      });
    }

    const backends = {
      homeserver: this.homeserver ? { serviceName: this.homeserver.name, port: this.homeserver.port } : undefined,
      lkJwt: this.lkJwt ? { serviceName: this.lkJwt.name, port: this.lkJwt.port } : undefined,
      livekitSignaling: this.livekit ? { serviceName: this.livekit.signalingServiceName, port: this.livekit.signalingPort } : undefined,
    };
    const anyWorkload = this.homeserver !== undefined || this.lkJwt !== undefined || this.livekit !== undefined;
    // A bundled SFU whose public URL names its own host is routed on that host as well (only a
    // URL the user set can: the default is on the server name).
    const publicHost = this.livekit ? parseUrl(props.livekit?.publicUrl, ['wss', 'ws'])?.hostname : undefined;
    const livekitHost = publicHost !== undefined && publicHost !== serverName ? publicHost : undefined;
    if (livekitHost !== undefined && !isFullyQualifiedDnsName(livekitHost)) {
      problems.add('livekit.publicUrl', `names the host ${show(livekitHost)}, which is not a DNS name the ingress can serve`, 'browsers would dial a LiveKit address that nothing routes to the bundled SFU, so calls never connect', 'use the server name or a DNS name pointing at the ingress, e.g. "wss://livekit.example.org"');
    }
    if (ingressEnabled && anyWorkload) {
      this.ingress = new MatrixIngress(this, 'ingress', {
        ...props.ingress,
        ...backends,
        serverName,
        namePrefix: props.namePrefix,
        labels: props.labels,
        namespace: Chart.of(this).namespace,
        maxRequestSize: props.homeserver?.maxRequestSize,
        livekitHost,
      });
    }
    if (gatewayApi && anyWorkload) {
      this.httpRoute = new MatrixHttpRoute(this, 'http-route', {
        ...backends,
        serverName,
        parentRefs: gatewayApi.parentRefs,
        namePrefix: props.namePrefix,
        labels: props.labels,
        livekitHost,
      });
    }

    if (networkPoliciesEnabled && anyWorkload) {
      this.networkPolicies = new MatrixNetworkPolicies(this, 'network-policies', {
        namePrefix: props.namePrefix,
        labels: props.labels,
        homeserver: this.homeserver,
        livekit: this.livekit,
        lkJwt: this.lkJwt,
        ingressControllerNamespace: ingressNamespace,
      });
    }

    this.contentSecurityPolicy = contentSecurityPolicySources(
      homeserverEnabled ? serverName : undefined,
      this.lkJwt || this.livekit ? this.livekitPublicUrl : undefined,
    );

    checkObjectSizes(this, props, () => apiObjectsOf(this));
    reportProblems(this, problems);
  }

  /**
   * Adds the stack's CSP sources to an existing Content-Security-Policy header value, creating
   * each directive where it is missing and adding no duplicates.
   */
  public mergeContentSecurityPolicy(policy: string): string {
    return mergeContentSecurityPolicy(policy, this.contentSecurityPolicy);
  }

  /** Every object the stack generated, for escape hatches (`addJsonPatch`, labels). */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}

/**
 * Reports every string prop holding an unpaired UTF-16 surrogate: it cannot be encoded as UTF-8,
 * so it would silently become U+FFFD in the YAML and, e.g., a token would no longer match.
 */
function checkWellFormedStrings(problems: Problems, path: string, value: unknown): void {
  if (typeof value === 'string') {
    if (/\p{Surrogate}/u.test(value)) {
      problems.add(path, 'contains an unpaired UTF-16 surrogate', 'it cannot be written as UTF-8 and would reach the cluster altered', 'remove the broken character');
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkWellFormedStrings(problems, `${path}[${index}]`, item));
    return;
  }
  // Only plain data: class instances (kplus Cpu/Size, Routing) hold no user text to check here.
  if (value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path === '' ? key : `${path}.${key}`;
      if (/\p{Surrogate}/u.test(key)) checkWellFormedStrings(problems, itemPath, key);
      checkWellFormedStrings(problems, itemPath, item);
    }
  }
}

/** Longest base name of any object, so the longest prefixed name stays within 63 characters. */
const LONGEST_BASE_NAME = Math.max(...Object.values(BASE_NAMES).map((n) => n.length));

function checkNamePrefix(problems: Problems, namePrefix: string | undefined): void {
  if (namePrefix === undefined || namePrefix === '') return;
  if (!/^[a-z]([-a-z0-9]*)$/.test(namePrefix)) {
    problems.add('namePrefix', `${show(namePrefix)} is not a valid name prefix`, 'object names must be lowercase DNS labels starting with a letter (Service names), so the API server rejects them', 'use lowercase letters, digits and "-", starting with a letter, e.g. "chat-"');
    return;
  }
  const longest = prefixed(namePrefix, 'x'.repeat(LONGEST_BASE_NAME));
  if (longest.length > MAX_NAME_LENGTH) {
    problems.add('namePrefix', `makes the longest object name ${longest.length} characters long`, `Kubernetes names are limited to ${MAX_NAME_LENGTH} characters, so the API server rejects those objects`, `use a prefix of at most ${MAX_NAME_LENGTH - LONGEST_BASE_NAME} characters`);
  }
}

function checkExternalLiveKit(problems: Problems, props: MatrixChatProps, lkJwtEnabled: boolean): void {
  const keys = props.livekit?.keys;
  if (keys?.apiKey !== undefined || keys?.apiSecret !== undefined) {
    problems.add(keys?.apiKey !== undefined ? 'livekit.keys.apiKey' : 'livekit.keys.apiSecret', 'inline credentials are set while livekit.enabled is false', 'the bundled livekit-secret only exists with the bundled SFU, so the values would be silently ignored', 'put the external LiveKit\'s key and secret in a Secret and set livekit.keys.existingSecret.name');
  }
  if (!lkJwtEnabled) return;
  if (keys?.existingSecret?.name) {
    const ref = liveKitCredentials(keys, undefined);
    checkSecretReference(problems, 'livekit.keys.existingSecret.name', ref.secretName, [
      { path: 'livekit.keys.existingSecret.apiKeyKey', key: ref.apiKeyKey },
      { path: 'livekit.keys.existingSecret.apiSecretKey', key: ref.apiSecretKey },
    ]);
  } else {
    problems.add('livekit.keys.existingSecret.name', 'is required when livekit.enabled is false', 'the bundled livekit-secret only exists with the bundled SFU, so lk-jwt-service would reference a missing Secret and crash-loop', 'create a Secret with the external LiveKit\'s API key and secret and name it here');
  }
  if (props.livekit?.publicUrl === undefined) {
    problems.add('livekit.publicUrl', 'is required when livekit.enabled is false', 'lk-jwt-service has no LiveKit URL to hand to browsers and refuses to start', 'set the external LiveKit\'s wss:// URL, e.g. "wss://livekit.example.org"');
  }
}
