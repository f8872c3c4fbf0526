// The checks MatrixChat owns: the shared props, the values it derives for the components, and rules across components.
import type { GatewayApiRoutingOptions } from './gateway-routes';
import { checkLivekitServiceUrl, checkPublicHost, checkServerName } from './homeserver-settings';
import { liveKitCredentials } from './livekit-settings';
import { LkJwtRelease, servesDelayedLeave } from './lk-jwt-release';
import type { MatrixChatProps } from './matrix-chat';
import { checkIngressControllerNamespace } from './network-policies';
import { ComponentProps, checkComponentProps } from './pod';
import { Problems, checkSecretReference, isFullyQualifiedDnsName, isObjectName, parseUrl, show } from './validation';

/** MatrixChat's props with every default applied: what validation and the wiring read. */
export interface MatrixChatResolved {
  readonly props: MatrixChatProps;
  readonly serverName: string;
  readonly publicHost: string;
  readonly routeWellKnownOnServerName: boolean;
  readonly homeserverEnabled: boolean;
  readonly livekitBundled: boolean;
  readonly lkJwtEnabled: boolean;
  readonly lkJwtRelease: LkJwtRelease;
  /** LiveKit posts webhooks to lk-jwt-service: as set, else on when lk-jwt-service serves them. */
  readonly webhooksEnabled: boolean;
  readonly elementWebEnabled: boolean;
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

export function checkMatrixChat(problems: Problems, s: MatrixChatResolved): void {
  const props = s.props;
  checkServerName(problems, s.serverName);
  if (props.publicHost !== undefined) checkPublicHost(problems, props.publicHost, 'publicHost');
  checkDelegation(problems, s);
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
  } else if (props.livekit?.webhooks?.enabled && s.livekitBundled && !servesDelayedLeave(s.lkJwtRelease)) {
    problems.add('livekit.webhooks.enabled', 'is true while lk-jwt-service is release 0.5 (the default image, 0.5.0)', 'lk-jwt-service 0.5.0 serves no /sfu_webhook (main.go:376-384), so every webhook LiveKit posts gets 404', 'set lkJwt.image.tag to "0.6.0" or later with its digest (webhooks are then on by default), or leave livekit.webhooks.enabled unset');
  }
  checkElementWebWiring(problems, s);
  const ingressNamespace = s.ingressNamespace;
  checkIngressControllerNamespace(problems, 'networkPolicy.ingressControllerNamespace', ingressNamespace);
  if (ingressNamespace !== undefined && props.livekit?.scaleOut?.enabled && s.livekitBundled && s.webhooksEnabled) {
    problems.add('networkPolicy.ingressControllerNamespace', 'is set while scale-out LiveKit sends webhooks', 'host-network SFU pods reach lk-jwt-service from node addresses, which a namespace or pod selector does not admit, so every webhook is dropped', 'leave ingressControllerNamespace unset in this combination, or disable livekit.webhooks');
  }
  if (s.livekitHost !== undefined && !isFullyQualifiedDnsName(s.livekitHost)) {
    problems.add('livekit.publicUrl', `names the host ${show(s.livekitHost)}, which is not a DNS name the ingress can serve`, 'browsers would dial a LiveKit address that nothing routes to the bundled SFU, so calls never connect', 'use the server name or a DNS name pointing at the ingress, e.g. "wss://livekit.example.org"');
  }
}

/** Element Web under MatrixChat: a host of its own, and TLS settings that mean something. */
function checkElementWebWiring(problems: Problems, s: MatrixChatResolved): void {
  const web = s.props.elementWeb;
  if (web === undefined) return;
  if (web.enabled !== undefined && typeof web.enabled !== 'boolean') {
    problems.add('elementWeb.enabled', `${show(web.enabled)} is not true or false`, 'whether Element Web is deployed would be guessed', 'use true or false, or remove elementWeb');
  }
  if (!s.elementWebEnabled) return;
  if (web.host !== undefined && web.host === s.livekitHost) {
    problems.add('elementWeb.host', `${show(web.host)} is also LiveKit's host (livekit.publicUrl)`, 'one host would route "/" to Element Web and /rtc to LiveKit, and a LiveKit-only certificate or DNS setup breaks the client', 'serve Element Web on its own name, e.g. "chat.example.org"');
  }
  if (web.tlsSecretName !== undefined && !isObjectName(web.tlsSecretName)) {
    problems.add('elementWeb.tlsSecretName', `${show(web.tlsSecretName)} is not a Secret name`, 'the controller cannot find the certificate and serves its default one, which browsers refuse', 'use a Secret name such as "element-web-certificate"');
  }
  if (web.nginxConfigurationSnippet !== undefined && typeof web.nginxConfigurationSnippet !== 'boolean') {
    problems.add('elementWeb.nginxConfigurationSnippet', `${show(web.nginxConfigurationSnippet)} is not true or false`, 'whether the Ingress carries a snippet annotation (which ingress-nginx rejects unless snippets are allowed) would be guessed', 'use true or false');
  } else if (web.nginxConfigurationSnippet && (s.gatewayApi !== undefined || (s.props.ingress?.className ?? 'nginx') !== 'nginx')) {
    problems.add('elementWeb.nginxConfigurationSnippet', 'is true while routing is not an Ingress of class nginx', 'only ingress-nginx reads the snippet, so the headers would silently not be sent', 'remove it: Traefik and Gateway API get the headers without it');
  }
}

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
