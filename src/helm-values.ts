// Maps the reference Helm chart's values to MatrixChatProps, checking every key's type first.
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { imageProps, logLevel, prune, resourcesProps, secretRef, sourceRanges } from './helm-values-convert';
import { HOMESERVER_FEATURE_VALUES_SCHEMA, IP_FAMILY_PROP_TO_VALUES, IP_FAMILY_VALUES_SCHEMA, homeserverFeatureValues, ipFamilyValues } from './helm-values-homeserver-features';
import { AFFINITY, HelmValuesTrace, Reader, Schema, TOLERATION, describe, isMap, isUnset } from './helm-values-reader';
import { MatrixIngressOptions } from './ingress';
import { NodeAddressSource } from './livekit-props';
import { MatrixChatProps } from './matrix-chat';

/*
 * Maps the values file of the reference Helm chart (the `matrixChat` block plus the chart-wide
 * `ingress`, `apiScheme`, `networkPolicy`, `imagePullSecrets`, `nodeSelector`, `tolerations` and
 * `affinity`) to `MatrixChatProps`. docs/migration.md lists every key and how it maps.
 *
 * Helm semantics kept on purpose:
 * - `null` and `""` mean "not set" (chart templates test values with `if`), so the chart's own
 *   defaults such as `existingSecret: { name: "" }` are ignored instead of becoming errors;
 * - with the chart's flat image keys, a digest wins over a tag (`image@digest`, the tag is dropped).
 *
 * Every unknown key under `matrixChat` and every value of the wrong type is collected, and all of
 * them are thrown together as one `Error` (one problem per line, each naming the values key);
 * typos are caught, not silently ignored. Values come from YAML, so nothing is trusted: strings
 * with control characters, integers beyond 2^53 and malformed scheduling blocks are refused here,
 * before they could reach a manifest the API server rejects.
 */

/** What a Helm values file maps to. */
export interface HelmValuesMapping {
  /**
   * The props for `MatrixChat`.
   * @default undefined when `matrixChat.enabled` is not true (the chart renders nothing then)
   */
  readonly props?: MatrixChatProps;
  /** Notes on values that were adjusted while mapping (e.g. a trailing `/sfu` removed). */
  readonly notes: string[];
}

/**
 * Maps a values object of the reference Helm chart to `MatrixChatProps`.
 *
 * Returns undefined when `matrixChat.enabled` is not `true` (the chart's default is false, so
 * the chart renders no Matrix objects then). Throws one Error listing every unknown key under
 * `matrixChat` and every value of the wrong type.
 *
 * @param values the parsed values file (the document root, holding `matrixChat`)
 */
export function propsFromHelmValues(values: any): MatrixChatProps | undefined {
  return mapHelmValues(values).props;
}

/**
 * The reference Helm chart's values, for languages without free functions.
 */
export class HelmValues {
  /**
   * Maps a values object of the reference Helm chart to `MatrixChatProps`; undefined when
   * `matrixChat.enabled` is not true. Throws one Error listing every problem found.
   *
   * @param values the parsed values file (the document root, holding `matrixChat`)
   */
  public static toProps(values: any): MatrixChatProps | undefined {
    return mapHelmValues(values).props;
  }

  /**
   * Maps a values object and also returns the notes on values adjusted while mapping.
   *
   * @param values the parsed values file (the document root, holding `matrixChat`)
   */
  public static map(values: any): HelmValuesMapping {
    return mapHelmValues(values);
  }

  private constructor() {}
}


const RESOURCES: Schema = {
  requests: { 'cpu': true, 'memory': true, 'ephemeral-storage': true },
  limits: { 'cpu': true, 'memory': true, 'ephemeral-storage': true },
};
const IMAGE_KEYS: Schema = {
  image: { registry: true, repository: true, name: true, tag: true, digest: true },
  imageRegistry: true,
  imageName: true,
  imageRepository: true,
  imageTag: true,
  imageDigest: true,
};

/** Every key the mapper reads under `matrixChat`; anything else is reported as unknown. */
const MATRIX_CHAT_VALUES_SCHEMA: Schema = {
  enabled: true,
  homeserver: {
    enabled: true,
    serverName: true,
    ...IMAGE_KEYS,
    clientPort: true,
    allowRegistration: true,
    registrationToken: true,
    registrationTokenExistingSecret: { name: true, key: true },
    existingSecret: { name: true, key: true },
    allowFederation: true,
    maxRequestSize: true,
    livekitServiceUrl: true,
    persistence: { enabled: true, size: true, storageClass: true, storageClassName: true, existingClaim: true },
    resources: RESOURCES,
    ...HOMESERVER_FEATURE_VALUES_SCHEMA,
  },
  livekit: {
    enabled: true,
    ...IMAGE_KEYS,
    publicUrl: true,
    keys: {
      apiKey: true,
      apiSecret: true,
      existingSecret: { name: true, apiKeyKey: true, apiSecretKey: true, livekitKeysKey: true },
    },
    rtc: {
      signalingPort: true,
      tcpPort: true,
      udpPort: true,
      udpPortRange: { start: true, end: true },
      nodeIp: true,
      useExternalIp: true,
      autoDiscoverNodeIp: true,
      serviceLabels: true,
      serviceAnnotations: true,
    },
    logging: { level: true, json: true, pionLevel: true },
    room: { emptyTimeout: true, maxParticipants: true },
    turn: { enabled: true, domain: true, tlsPort: true, externalTls: true, tls: { existingSecret: true, certKey: true, keyKey: true } },
    resources: RESOURCES,
  },
  lkJwt: {
    enabled: true,
    insecureSkipVerifyTls: true,
    ...IMAGE_KEYS,
    resources: RESOURCES,
  },
  networkPolicy: { enabled: true },
  ...IP_FAMILY_VALUES_SCHEMA,
};

/** The cluster issuer the chart annotates with for `ingress.tls.source: letsEncrypt`. */
const CHART_LETSENCRYPT_ISSUER = 'letsencrypt-prod-issuer';

/** Maps a values object; the CLI uses this to print the notes. */
export function mapHelmValues(values: any): HelmValuesMapping {
  return traceHelmValues(values).mapping;
}

/**
 * Maps a values object and keeps track of the keys it read, for the CLI (not exported from the
 * package: jsii has no free functions). Throws one Error listing every problem, one per line; the
 * Error's `problems` property holds them as an array.
 */
export function traceHelmValues(values: any): HelmValuesTrace {
  const r = new Reader();
  if (values === undefined || values === null) values = {};
  if (!isMap(values)) {
    throw Object.assign(new Error(`Helm values must be a map at the top level, got ${describe(values)}`), {
      problems: [`the values must be a map at the top level, got ${describe(values)}`],
    });
  }
  const matrixChat = r.map('matrixChat', values.matrixChat);
  if (matrixChat) r.checkKeys('matrixChat', matrixChat, MATRIX_CHAT_VALUES_SCHEMA);
  const enabled = matrixChat ? r.bool('matrixChat.enabled', matrixChat.enabled) : undefined;

  const props = matrixChat ? buildProps(r, values, matrixChat) : undefined;
  r.throwIfProblems();
  return {
    mapping: { props: enabled === true ? props : undefined, notes: r.notes },
    valuesKeyOf: (propPath) => valuesKeyOf(propPath, r.used),
  };
}

/** Values keys that can set a prop path prefix, most specific first; the first one the user set wins. */
const PROP_TO_VALUES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['serverName', ['matrixChat.homeserver.serverName']],
  ...IP_FAMILY_PROP_TO_VALUES,
  ['networkPolicy.enabled', ['matrixChat.networkPolicy.enabled', 'networkPolicy.enabled']],
  ['scheduling.nodeSelector', ['nodeSelector']],
  ['scheduling.tolerations', ['tolerations']],
  ['scheduling.affinity', ['affinity']],
  ['imagePullSecrets', ['imagePullSecrets']],
  ['ingress.tls.clusterIssuer', ['ingress.tls.clusterIssuer', 'ingress.tls.clusterIssuerName', 'ingress.tls.source']],
  ['ingress.tls.secretName', ['ingress.tls.secretName', 'ingress.tls[0].secretName']],
  ['ingress.tls.enabled', ['ingress.tls.enabled', 'ingress.tls']],
  ['ingress.annotations', ['ingress.annotations', 'apiScheme']],
  ['ingress', ['ingress']],
  ['homeserver.registrationTokenExistingSecret', ['matrixChat.homeserver.registrationTokenExistingSecret', 'matrixChat.homeserver.existingSecret']],
  ['homeserver.persistence.storageClassName', ['matrixChat.homeserver.persistence.storageClassName', 'matrixChat.homeserver.persistence.storageClass']],
  ...['homeserver', 'livekit', 'lkJwt'].flatMap((c): Array<[string, string[]]> => [
    [`${c}.image.registry`, [`matrixChat.${c}.image.registry`, `matrixChat.${c}.imageRegistry`]],
    [`${c}.image.repository`, [`matrixChat.${c}.image.repository`, `matrixChat.${c}.image.name`, `matrixChat.${c}.imageRepository`, `matrixChat.${c}.imageName`]],
    [`${c}.image.tag`, [`matrixChat.${c}.image.tag`, `matrixChat.${c}.imageTag`]],
    [`${c}.image.digest`, [`matrixChat.${c}.image.digest`, `matrixChat.${c}.imageDigest`]],
    [`${c}.image`, [`matrixChat.${c}.image`, `matrixChat.${c}.imageTag`, `matrixChat.${c}.imageDigest`]],
    ...(['cpu', 'memory', 'ephemeralStorage'] as const).flatMap((q): Array<[string, string[]]> => {
      const key = q === 'ephemeralStorage' ? 'ephemeral-storage' : q;
      return [
        [`${c}.resources.${q}.request`, [`matrixChat.${c}.resources.requests.${key}`]],
        [`${c}.resources.${q}.limit`, [`matrixChat.${c}.resources.limits.${key}`]],
      ];
    }),
    [c, [`matrixChat.${c}`]],
  ]),
];

/** The values key behind a prop path: the rule for its longest prefix, the rest of the path appended. */
function valuesKeyOf(propPath: string, used: ReadonlySet<string>): string | undefined {
  for (const [prefix, keys] of PROP_TO_VALUES) {
    if (propPath !== prefix && !propPath.startsWith(`${prefix}.`) && !propPath.startsWith(`${prefix}[`)) continue;
    const rest = propPath.slice(prefix.length);
    const candidates = keys.map((k) => `${k}${rest}`);
    return candidates.find((k) => used.has(k)) ?? candidates.find((k) => [...used].some((u) => u.startsWith(`${k}.`) || u.startsWith(`${k}[`))) ?? candidates[0];
  }
  return undefined;
}

function buildProps(r: Reader, values: Record<string, unknown>, mc: Record<string, unknown>): MatrixChatProps {
  const hs = r.map('matrixChat.homeserver', mc.homeserver) ?? {};
  const lk = r.map('matrixChat.livekit', mc.livekit) ?? {};
  const jwt = r.map('matrixChat.lkJwt', mc.lkJwt) ?? {};

  const serverName = r.str('matrixChat.homeserver.serverName', hs.serverName);
  const networkPolicy = r.map('matrixChat.networkPolicy', mc.networkPolicy);
  const chartNetworkPolicy = r.map('networkPolicy', values.networkPolicy);
  const networkPolicyEnabled = r.bool('matrixChat.networkPolicy.enabled', networkPolicy?.enabled)
    ?? r.bool('networkPolicy.enabled', chartNetworkPolicy?.enabled);

  const props: MatrixChatProps = {
    // Left empty when missing: MatrixChat reports it with the other validation errors.
    serverName: serverName ?? '',
    homeserver: homeserverProps(r, hs),
    livekit: livekitProps(r, lk),
    lkJwt: {
      enabled: r.bool('matrixChat.lkJwt.enabled', jwt.enabled),
      image: imageProps(r, 'matrixChat.lkJwt', jwt),
      insecureSkipVerifyTls: r.bool('matrixChat.lkJwt.insecureSkipVerifyTls', jwt.insecureSkipVerifyTls),
      resources: resourcesProps(r, 'matrixChat.lkJwt.resources', jwt.resources),
    },
    networkPolicy: { enabled: networkPolicyEnabled },
    ingress: ingressProps(r, values),
    scheduling: {
      nodeSelector: r.strMap('nodeSelector', values.nodeSelector),
      tolerations: r.list('tolerations', values.tolerations, (path, item) => r.shaped(path, item, TOLERATION) as k8s.Toleration | undefined),
      affinity: r.shaped('affinity', values.affinity, AFFINITY) as k8s.Affinity | undefined,
    },
    imagePullSecrets: r.list('imagePullSecrets', values.imagePullSecrets, (path, item) => (isMap(item) ? r.str(`${path}.name`, item.name) : r.str(path, item))),
    ...ipFamilyValues(r, mc),
  };
  return prune(props) ?? { serverName: '' };
}

function homeserverProps(r: Reader, hs: Record<string, unknown>): MatrixChatProps['homeserver'] {
  const p = 'matrixChat.homeserver';
  const tokenSecret = secretRef(r, `${p}.registrationTokenExistingSecret`, hs.registrationTokenExistingSecret);
  const altSecret = secretRef(r, `${p}.existingSecret`, hs.existingSecret);
  if (tokenSecret && altSecret) {
    r.problem(`${p}.existingSecret`, 'is set together with registrationTokenExistingSecret; keep one of them');
  }
  const persistence = r.map(`${p}.persistence`, hs.persistence) ?? {};
  const storageClass = r.str(`${p}.persistence.storageClass`, persistence.storageClass);
  const storageClassName = r.str(`${p}.persistence.storageClassName`, persistence.storageClassName);
  if (storageClass !== undefined && storageClassName !== undefined && storageClass !== storageClassName) {
    r.problem(`${p}.persistence.storageClass`, 'differs from persistence.storageClassName; keep one of them');
  }
  return {
    enabled: r.bool(`${p}.enabled`, hs.enabled),
    image: imageProps(r, p, hs),
    clientPort: r.int(`${p}.clientPort`, hs.clientPort),
    allowRegistration: r.bool(`${p}.allowRegistration`, hs.allowRegistration),
    registrationToken: r.str(`${p}.registrationToken`, hs.registrationToken),
    registrationTokenExistingSecret: tokenSecret ?? altSecret,
    allowFederation: r.bool(`${p}.allowFederation`, hs.allowFederation),
    maxRequestSize: r.int(`${p}.maxRequestSize`, hs.maxRequestSize),
    livekitServiceUrl: livekitServiceUrl(r, `${p}.livekitServiceUrl`, hs.livekitServiceUrl),
    persistence: {
      enabled: r.bool(`${p}.persistence.enabled`, persistence.enabled),
      size: r.str(`${p}.persistence.size`, persistence.size),
      storageClassName: storageClassName ?? storageClass,
      existingClaim: r.str(`${p}.persistence.existingClaim`, persistence.existingClaim),
    },
    resources: resourcesProps(r, `${p}.resources`, hs.resources),
    ...homeserverFeatureValues(r, p, hs),
  };
}

/**
 * The chart's own example advertises `https://<serverName>/sfu`, but Element Call appends
 * `/sfu/get` itself (a trailing `/sfu` gives `/sfu/sfu/get`, a 404), so MatrixChat refuses it.
 * The value means "lk-jwt-service's base URL", so the suffix is removed and a note is recorded.
 */
function livekitServiceUrl(r: Reader, path: string, value: unknown): string | undefined {
  const url = r.str(path, value);
  if (url === undefined) return undefined;
  const stripped = url.replace(/\/sfu\/?$/, '');
  if (stripped !== url) {
    r.note(`${path}: removed the trailing "/sfu" from ${JSON.stringify(url)}; Element Call appends /sfu/get itself, so the advertised value is ${JSON.stringify(stripped)}`);
  }
  return stripped;
}

function livekitProps(r: Reader, lk: Record<string, unknown>): MatrixChatProps['livekit'] {
  const p = 'matrixChat.livekit';
  const keys = r.map(`${p}.keys`, lk.keys) ?? {};
  const existing = r.stringOrMap(`${p}.keys.existingSecret`, keys.existingSecret);
  const existingName = existing ? r.str(`${p}.keys.existingSecret.name`, existing.name) : undefined;
  const rtc = r.map(`${p}.rtc`, lk.rtc) ?? {};
  const turn = r.map(`${p}.turn`, lk.turn) ?? {};
  const tls = r.map(`${p}.turn.tls`, turn.tls) ?? {};
  const range = r.map(`${p}.rtc.udpPortRange`, rtc.udpPortRange);
  const logging = r.map(`${p}.logging`, lk.logging);
  const room = r.map(`${p}.room`, lk.room);
  const emptyTimeout = room ? r.int(`${p}.room.emptyTimeout`, room.emptyTimeout) : undefined;
  return {
    enabled: r.bool(`${p}.enabled`, lk.enabled),
    image: imageProps(r, p, lk),
    publicUrl: r.str(`${p}.publicUrl`, lk.publicUrl),
    keys: {
      apiKey: r.str(`${p}.keys.apiKey`, keys.apiKey),
      apiSecret: r.str(`${p}.keys.apiSecret`, keys.apiSecret),
      // `existingSecret: { name: "" }` is how the chart's defaults say "no existing Secret".
      existingSecret: existing && existingName !== undefined ? {
        name: existingName,
        apiKeyKey: r.str(`${p}.keys.existingSecret.apiKeyKey`, existing.apiKeyKey),
        apiSecretKey: r.str(`${p}.keys.existingSecret.apiSecretKey`, existing.apiSecretKey),
        livekitKeysKey: r.str(`${p}.keys.existingSecret.livekitKeysKey`, existing.livekitKeysKey),
      } : undefined,
    },
    rtc: {
      signalingPort: r.int(`${p}.rtc.signalingPort`, rtc.signalingPort),
      tcpPort: r.int(`${p}.rtc.tcpPort`, rtc.tcpPort),
      udpPort: r.int(`${p}.rtc.udpPort`, rtc.udpPort),
      // Refused by validation without scale-out (which the chart has no keys for), with the reason.
      udpPortRange: range
        ? { start: r.int(`${p}.rtc.udpPortRange.start`, range.start) as number, end: r.int(`${p}.rtc.udpPortRange.end`, range.end) as number }
        : undefined,
      nodeIp: r.str(`${p}.rtc.nodeIp`, rtc.nodeIp),
      useExternalIp: r.bool(`${p}.rtc.useExternalIp`, rtc.useExternalIp),
      // The reference chart's newer key (on by default there too): false without a nodeIp falls back to STUN.
      nodeAddress: r.bool(`${p}.rtc.autoDiscoverNodeIp`, rtc.autoDiscoverNodeIp) === false && rtc.nodeIp === undefined ? NodeAddressSource.STUN : undefined,
      serviceLabels: r.strMap(`${p}.rtc.serviceLabels`, rtc.serviceLabels),
      serviceAnnotations: r.strMap(`${p}.rtc.serviceAnnotations`, rtc.serviceAnnotations, true),
    },
    logging: logging ? {
      level: logLevel(r, `${p}.logging.level`, logging.level),
      json: r.bool(`${p}.logging.json`, logging.json),
      pionLevel: logLevel(r, `${p}.logging.pionLevel`, logging.pionLevel),
    } : undefined,
    // Whole seconds, LiveKit's own unit for empty_timeout.
    room: room ? {
      emptyTimeout: emptyTimeout === undefined ? undefined : Duration.seconds(emptyTimeout),
      maxParticipants: r.int(`${p}.room.maxParticipants`, room.maxParticipants),
    } : undefined,
    turn: {
      enabled: r.bool(`${p}.turn.enabled`, turn.enabled),
      externalTls: r.bool(`${p}.turn.externalTls`, turn.externalTls),
      domain: r.str(`${p}.turn.domain`, turn.domain),
      // The container port; LiveKit always advertises turns:<domain>:443, so the Service publishes 443.
      tlsPort: r.int(`${p}.turn.tlsPort`, turn.tlsPort),
      tls: {
        existingSecret: r.str(`${p}.turn.tls.existingSecret`, tls.existingSecret),
        certKey: r.str(`${p}.turn.tls.certKey`, tls.certKey),
        keyKey: r.str(`${p}.turn.tls.keyKey`, tls.keyKey),
      },
    },
    resources: resourcesProps(r, `${p}.resources`, lk.resources),
  };
}

/** The chart-wide `ingress` block and `apiScheme`. */
function ingressProps(r: Reader, values: Record<string, unknown>): MatrixIngressOptions {
  const ingress = r.map('ingress', values.ingress) ?? {};
  const className = r.str('ingress.className', ingress.className);
  const tls = ingressTls(r, ingress.tls);
  const apiScheme = r.str('apiScheme', values.apiScheme);
  const schemeAnnotations: Record<string, string> = {};
  if (apiScheme !== undefined && apiScheme !== 'http' && apiScheme !== 'https') {
    r.problem('apiScheme', `${describe(apiScheme)} is neither "http" nor "https"`);
  }
  if (apiScheme === 'http') {
    // As the chart: plain HTTP means no redirect to HTTPS. Traefik's redirect middleware stays (docs/migration.md).
    const cls = className ?? 'nginx';
    if (cls === 'nginx') schemeAnnotations['nginx.ingress.kubernetes.io/force-ssl-redirect'] = 'false';
    if (cls === 'haproxy') schemeAnnotations['haproxy.org/ssl-redirect'] = 'false';
  }
  const annotations = { ...schemeAnnotations, ...r.strMap('ingress.annotations', ingress.annotations, true) };
  return {
    enabled: r.bool('ingress.enabled', ingress.enabled),
    className,
    tls,
    whitelistSourceRange: sourceRanges(r, 'ingress.whitelistSourceRange', ingress.whitelistSourceRange),
    annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
  };
}

/**
 * `tls: true`, the chart's `tls: { enabled, source: letsEncrypt | secret | cluster,
 * clusterIssuerName }`, `tls: { enabled, secretName, clusterIssuer }`, or the Kubernetes list
 * form `tls: [{ secretName, hosts }]`.
 */
function ingressTls(r: Reader, value: unknown): MatrixIngressOptions['tls'] {
  if (isUnset(value)) return undefined;
  if (typeof value === 'boolean') return { enabled: value };
  if (Array.isArray(value)) {
    if (value.length === 0) return { enabled: false };
    const first = r.map('ingress.tls[0]', value[0]) ?? {};
    return { enabled: true, secretName: r.str('ingress.tls[0].secretName', first.secretName) };
  }
  const tls = r.map('ingress.tls', value) ?? {};
  const enabled = r.bool('ingress.tls.enabled', tls.enabled);
  const source = r.str('ingress.tls.source', tls.source);
  const secretName = r.str('ingress.tls.secretName', tls.secretName);
  let clusterIssuer = r.str('ingress.tls.clusterIssuer', tls.clusterIssuer) ?? r.str('ingress.tls.clusterIssuerName', tls.clusterIssuerName);
  if (source !== undefined && !['letsEncrypt', 'secret', 'cluster'].includes(source)) {
    r.problem('ingress.tls.source', `${describe(source)} is not one of "letsEncrypt", "secret", "cluster"`);
  }
  if (enabled !== true) {
    // The chart only uses the issuer when TLS is on; MatrixChat refuses an issuer without TLS.
    return { enabled };
  }
  if (source === 'cluster') {
    // The controller (or OpenShift's router) terminates TLS with its own certificate: no tls block.
    return { enabled: false };
  }
  if (source === 'letsEncrypt') clusterIssuer = clusterIssuer ?? CHART_LETSENCRYPT_ISSUER;
  if (source === 'secret') clusterIssuer = undefined;
  return { enabled, secretName, clusterIssuer };
}
