// MatrixChat, the whole stack: its props, the checks across components, and the wiring of the component constructs.
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ContentSecurityPolicySources, contentSecurityPolicySources, mergeContentSecurityPolicy } from './csp';
import { GatewayApiRoutingOptions, MatrixHttpRoute, Routing, RoutingKind } from './gateway-routes';
import { Homeserver, HomeserverSettings } from './homeserver';
import { checkLivekitServiceUrl, checkPublicHost, checkServerName } from './homeserver-settings';
import { MatrixIngress, MatrixIngressOptions } from './ingress';
import { LiveKit, LiveKitSettings } from './livekit';
import { liveKitCredentials } from './livekit-settings';
import { LkJwt, LkJwtSettings } from './lk-jwt';
import { BASE_NAMES, MAX_NAME_LENGTH, prefixed } from './names';
import { MatrixNetworkPolicies } from './network-policies';
import { ComponentProps, SchedulingProps, apiObjectsOf, checkComponentProps } from './pod';
import { IngressBackendRef } from './routing';
import { TurnRelay } from './turn-relay';
import { Problems, checkSecretReference, isFullyQualifiedDnsName, isObjectName, parseUrl, reportProblems, show } from './validation';
import { ValidationScope, inScope } from './validation-scope';

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

/** Publishing the Matrix delegation documents on the server name. */
export interface WellKnownOptions {
  /**
   * Route `/.well-known/matrix` on the server name too (an extra Ingress rule and TLS host, or an HTTPRoute), when `publicHost` differs from it; false when the apex website is served elsewhere and publishes `wellKnownClient`/`wellKnownServer` itself.
   * @default true
   */
  readonly routeOnServerName?: boolean;
}

/** Props of `MatrixChat`. */
export interface MatrixChatProps {
  /** The Matrix server name: ingress host, part of every user and room ID, and immutable once users exist. */
  readonly serverName: string;

  /**
   * Host clients and federation connect to, where every route lives; set it to run the server on e.g. `matrix.example.org` while user IDs stay on the apex `example.org` (Matrix delegation).
   * @default serverName
   */
  readonly publicHost?: string;

  /**
   * The delegation documents on the server name, when `publicHost` differs from it.
   * @default routed on the server name
   */
  readonly wellKnown?: WellKnownOptions;

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

  /**
   * Annotate the objects that hold data or inline secrets (the claims the stack creates, the inline Secrets) so Argo CD and Flux never prune them.
   * @default true
   */
  readonly gitOpsPruneProtection?: boolean;
}

/** MatrixChat's props with every default applied: what validation and the wiring read. */
interface MatrixChatResolved {
  readonly props: MatrixChatProps;
  readonly serverName: string;
  readonly publicHost: string;
  readonly routeWellKnownOnServerName: boolean;
  readonly homeserverEnabled: boolean;
  readonly livekitBundled: boolean;
  readonly lkJwtEnabled: boolean;
  readonly networkPoliciesEnabled: boolean;
  readonly gatewayApi?: GatewayApiRoutingOptions;
  readonly ingressEnabled: boolean;
  /** The shared props handed to every component. */
  readonly shared: ComponentProps;
  readonly livekitPublicUrl?: string;
  /** Host of a bundled SFU's own public URL, when it is not the server name. */
  readonly livekitHost?: string;
  readonly ingressNamespace?: string;
}

function resolveMatrixChat(props: MatrixChatProps): MatrixChatResolved {
  const routing = props.routing ?? Routing.ingress();
  const gatewayApi = routing.kind === RoutingKind.GATEWAY_API ? routing.gatewayApiOptions : undefined;
  const livekitBundled = props.livekit?.enabled ?? true;
  const publicHost = props.publicHost ?? props.serverName;
  // A bundled SFU whose public URL names its own host is routed on that host as well (only a
  // URL the user set can: the default is on the public host).
  const livekitUrlHost = livekitBundled ? parseUrl(props.livekit?.publicUrl, ['wss', 'ws'])?.hostname : undefined;
  return {
    props,
    serverName: props.serverName,
    publicHost,
    routeWellKnownOnServerName: props.wellKnown?.routeOnServerName ?? true,
    homeserverEnabled: props.homeserver?.enabled ?? true,
    livekitBundled,
    lkJwtEnabled: props.lkJwt?.enabled ?? true,
    networkPoliciesEnabled: props.networkPolicy?.enabled ?? true,
    gatewayApi,
    ingressEnabled: !gatewayApi && (props.ingress?.enabled ?? true),
    shared: {
      namePrefix: props.namePrefix,
      labels: props.labels,
      scheduling: props.scheduling,
      imagePullSecrets: props.imagePullSecrets,
      gitOpsPruneProtection: props.gitOpsPruneProtection,
    },
    livekitPublicUrl: props.livekit?.publicUrl ?? (livekitBundled ? `wss://${publicHost}` : undefined),
    livekitHost: livekitUrlHost !== undefined && livekitUrlHost !== publicHost ? livekitUrlHost : undefined,
    ingressNamespace: props.networkPolicy?.ingressControllerNamespace,
  };
}

/** The scope of a component under MatrixChat: its props sit under `path`, and MatrixChat validates the shared ones. */
function under(path: string): ValidationScope {
  return { prefix: `${path}.`, parentValidated: true };
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
  /** The JSON document served at `/.well-known/matrix/client` (base URL on the public host, and the MatrixRTC transport when lk-jwt-service is deployed), for publishing it where the apex is hosted. */
  public readonly wellKnownClient: string;
  /** The JSON document served at `/.well-known/matrix/server` (federation delegation to `<publicHost>:443`). */
  public readonly wellKnownServer: string;

  constructor(scope: Construct, id: string, props: MatrixChatProps) {
    super(scope, id);
    const problems = new Problems();
    const settings = resolveMatrixChat(props);
    this.livekitPublicUrl = settings.livekitPublicUrl;
    this.wellKnownClient = wellKnownClientDocument(settings.publicHost, livekitServiceUrlOf(settings));
    this.wellKnownServer = wellKnownServerDocument(settings.publicHost);
    checkMatrixChat(problems, settings);

    this.homeserver = settings.homeserverEnabled ? this.createHomeserver(settings) : undefined;
    this.livekit = settings.livekitBundled ? new LiveKit(this, 'livekit', inScope({ ...props.livekit, ...settings.shared }, under('livekit'))) : undefined;
    this.turnRelay = this.livekit?.turnRelay;
    this.lkJwt = settings.lkJwtEnabled ? this.createLkJwt(settings) : undefined;
    const anyWorkload = this.homeserver !== undefined || this.lkJwt !== undefined || this.livekit !== undefined;
    const routes = anyWorkload ? this.createRouting(settings) : {};
    this.ingress = routes.ingress;
    this.httpRoute = routes.httpRoute;
    if (settings.networkPoliciesEnabled && anyWorkload) {
      this.networkPolicies = new MatrixNetworkPolicies(this, 'network-policies', {
        namePrefix: props.namePrefix,
        labels: props.labels,
        homeserver: this.homeserver,
        livekit: this.livekit,
        lkJwt: this.lkJwt,
        ingressControllerNamespace: settings.ingressNamespace,
      });
    }
    this.contentSecurityPolicy = contentSecurityPolicySources(
      settings.homeserverEnabled ? settings.publicHost : undefined,
      this.lkJwt || this.livekit ? this.livekitPublicUrl : undefined,
    );
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

  private createHomeserver(s: MatrixChatResolved): Homeserver {
    return new Homeserver(this, 'homeserver', inScope({
      ...s.props.homeserver,
      ...s.shared,
      serverName: s.serverName,
      publicHost: s.publicHost,
      livekitServiceUrl: livekitServiceUrlOf(s),
    }, under('homeserver')));
  }

  private createLkJwt(s: MatrixChatResolved): LkJwt {
    return new LkJwt(this, 'lk-jwt', inScope({
      ...s.props.lkJwt,
      ...s.shared,
      serverName: s.serverName,
      publicHost: s.publicHost,
      // Validation reports a missing URL; the placeholder keeps construction going so all errors surface together.
      livekitUrl: s.livekitPublicUrl ?? '',
      credentials: this.livekit?.credentials ?? liveKitCredentials(s.props.livekit?.keys, s.props.namePrefix),
      credentialsHash: this.livekit?.credentialsHash,
    }, under('lkJwt')));
  }

  /** The Ingress or the Gateway API routes to the components that exist. */
  private createRouting(s: MatrixChatResolved): { ingress?: MatrixIngress; httpRoute?: MatrixHttpRoute } {
    const backends: Record<'homeserver' | 'lkJwt' | 'livekitSignaling', IngressBackendRef | undefined> = {
      homeserver: this.homeserver ? { serviceName: this.homeserver.name, port: this.homeserver.port } : undefined,
      lkJwt: this.lkJwt ? { serviceName: this.lkJwt.name, port: this.lkJwt.port } : undefined,
      livekitSignaling: this.livekit ? { serviceName: this.livekit.signalingServiceName, port: this.livekit.signalingPort } : undefined,
    };
    const props = s.props;
    const ingress = !s.ingressEnabled ? undefined : new MatrixIngress(this, 'ingress', {
      ...props.ingress,
      ...backends,
      serverName: s.serverName,
      publicHost: s.publicHost,
      routeWellKnownOnServerName: s.routeWellKnownOnServerName,
      namePrefix: props.namePrefix,
      labels: props.labels,
      namespace: Chart.of(this).namespace,
      maxRequestSize: props.homeserver?.maxRequestSize,
      livekitHost: s.livekitHost,
    });
    const httpRoute = !s.gatewayApi ? undefined : new MatrixHttpRoute(this, 'http-route', {
      ...backends,
      serverName: s.serverName,
      publicHost: s.publicHost,
      routeWellKnownOnServerName: s.routeWellKnownOnServerName,
      parentRefs: s.gatewayApi.parentRefs,
      namePrefix: props.namePrefix,
      labels: props.labels,
      livekitHost: s.livekitHost,
    });
    return { ingress, httpRoute };
  }
}

/** The checks MatrixChat owns: the shared props, the values it derives for the components, and rules across components. */
/**
 * What Tuwunel serves at `/.well-known/matrix/client` (src/api/client/well_known.rs): the base URL
 * and, from `well_known.livekit_url`, the MSC4143 `rtc_foci` list.
 */
function wellKnownClientDocument(publicHost: string, livekitServiceUrl: string | undefined): string {
  const document = {
    'm.homeserver': { base_url: `https://${publicHost}` },
    ...(livekitServiceUrl !== undefined ? { 'org.matrix.msc4143.rtc_foci': [{ type: 'livekit', livekit_service_url: livekitServiceUrl }] } : {}),
  };
  return `${JSON.stringify(document, undefined, 2)}\n`;
}

function wellKnownServerDocument(publicHost: string): string {
  return `${JSON.stringify({ 'm.server': `${publicHost}:443` }, undefined, 2)}\n`;
}

/** lk-jwt-service's public base URL as the homeserver advertises it: on the public host by default. */
function livekitServiceUrlOf(s: MatrixChatResolved): string | undefined {
  return s.props.homeserver?.livekitServiceUrl ?? (s.lkJwtEnabled ? `https://${s.publicHost}` : undefined);
}

function checkMatrixChat(problems: Problems, s: MatrixChatResolved): void {
  const props = s.props;
  checkServerName(problems, s.serverName);
  if (props.publicHost !== undefined) checkPublicHost(problems, props.publicHost, 'publicHost');
  checkDelegation(problems, s);
  checkNamePrefix(problems, props.namePrefix);
  checkComponentProps(problems, s.shared);
  checkWellFormedStrings(problems, '', props);
  // Checked here, against what the user set, so a bad serverName is not reported again through derived URLs.
  if (s.homeserverEnabled && props.homeserver?.livekitServiceUrl !== undefined) {
    checkLivekitServiceUrl(problems, props.homeserver.livekitServiceUrl, 'homeserver.');
  }
  if (props.livekit?.publicUrl !== undefined && !parseUrl(props.livekit.publicUrl, ['wss', 'ws'])) {
    problems.add('livekit.publicUrl', `${show(props.livekit.publicUrl)} is not a ws:// or wss:// URL`, 'lk-jwt-service hands it to browsers, which cannot open a LiveKit connection to it, so calls never connect', 'use the public WebSocket URL of LiveKit, e.g. "wss://matrix.example.org"');
  }
  const turnDomain = props.livekit?.turn?.enabled && s.livekitBundled ? props.livekit.turn.domain : undefined;
  if (turnDomain !== undefined && turnDomain === s.serverName) {
    problems.add('livekit.turn.domain', `equals serverName (${show(s.serverName)})`, 'the server name resolves to the ingress, where nothing listens for TURNS, so relayed calls fail', `use a dedicated name such as "turn.${s.serverName}" pointing at the livekit-rtc LoadBalancer IP`);
  } else if (turnDomain !== undefined && turnDomain === s.publicHost) {
    problems.add('livekit.turn.domain', `equals publicHost (${show(s.publicHost)})`, 'the public host resolves to the ingress, where nothing listens for TURNS, so relayed calls fail', `use a dedicated name such as "turn.${s.serverName}" pointing at the livekit-rtc LoadBalancer IP`);
  }
  if (!s.livekitBundled) checkExternalLiveKit(problems, props, s.lkJwtEnabled);
  if (s.gatewayApi && props.ingress !== undefined) {
    problems.add('ingress', 'is set while routing is Routing.gatewayApi()', 'no Ingress is created with Gateway API routing, so these settings would be silently ignored', 'remove ingress, or configure TLS, allow-lists and timeouts on your Gateway and its policies');
  }
  if (props.livekit?.webhooks?.enabled && s.livekitBundled && !s.lkJwtEnabled) {
    problems.add('livekit.webhooks.enabled', 'is true while lkJwt.enabled is false', 'LiveKit would post every webhook to a lk-jwt-service that does not exist', 'enable lkJwt, or disable livekit.webhooks');
  }
  const ingressNamespace = s.ingressNamespace;
  if (ingressNamespace !== undefined && !isObjectName(ingressNamespace)) {
    problems.add('networkPolicy.ingressControllerNamespace', `${show(ingressNamespace)} is not a namespace name`, 'the policy would admit no namespace, so every public request to the homeserver and lk-jwt-service is dropped', 'name the ingress controller\'s namespace, e.g. "ingress-nginx"');
  }
  if (ingressNamespace !== undefined && props.livekit?.scaleOut?.enabled && props.livekit?.webhooks?.enabled) {
    problems.add('networkPolicy.ingressControllerNamespace', 'is set while scale-out LiveKit sends webhooks', 'host-network SFU pods reach lk-jwt-service from node addresses, which a namespace or pod selector does not admit, so every webhook is dropped', 'leave ingressControllerNamespace unset in this combination, or disable livekit.webhooks');
  }
  if (s.livekitHost !== undefined && !isFullyQualifiedDnsName(s.livekitHost)) {
    problems.add('livekit.publicUrl', `names the host ${show(s.livekitHost)}, which is not a DNS name the ingress can serve`, 'browsers would dial a LiveKit address that nothing routes to the bundled SFU, so calls never connect', 'use the server name or a DNS name pointing at the ingress, e.g. "wss://livekit.example.org"');
  }
}

/**
 * Reports every string prop holding an unpaired UTF-16 surrogate: it cannot be encoded as UTF-8,
 * so it would silently become U+FFFD in the YAML and, e.g., a token would no longer match.
 */
/** Matrix delegation: what the server-name host can serve when the server runs on another host. */
function checkDelegation(problems: Problems, s: MatrixChatResolved): void {
  const props = s.props;
  if (props.wellKnown?.routeOnServerName !== undefined && typeof props.wellKnown.routeOnServerName !== 'boolean') {
    problems.add('wellKnown.routeOnServerName', `${show(props.wellKnown.routeOnServerName)} is not true or false`, 'whether the delegation documents are routed on the server name would be guessed', 'use true or false');
  }
  if (s.publicHost === s.serverName) return;
  // With delegation the server-name host carries only /.well-known/matrix (or nothing).
  if (s.livekitBundled && s.livekitHost === s.serverName) {
    problems.add('livekit.publicUrl', `names the server name ${show(s.serverName)} while publicHost is ${show(s.publicHost)}`, 'the server-name host carries only the delegation documents (it is often a website served elsewhere), so browsers would dial a LiveKit address that does not reach the SFU and calls never connect', `use "wss://${s.publicHost}" (the default) or a host of its own such as "wss://livekit.${s.serverName}"`);
  }
  const serviceUrl = parseUrl(props.homeserver?.livekitServiceUrl, ['https', 'http']);
  if (s.lkJwtEnabled && serviceUrl !== undefined && serviceUrl.hostname === s.serverName) {
    problems.add('homeserver.livekitServiceUrl', `names the server name ${show(s.serverName)} while publicHost is ${show(s.publicHost)}`, 'lk-jwt-service is routed on the public host only, so clients asking the server name for a call token get no answer and calls fail', `use "https://${s.publicHost}" (the default)`);
  }
}

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
