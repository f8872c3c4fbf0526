// Element Web: a hardened nginx serving the browser client, its generated config.json and the CSP to send with it.
import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { configHash } from './config-hash';
import { elementWebConfig } from './element-web-config';
import { ImageDefaults, ImageProps, checkImage, imageReference } from './images';
import { checkedProps } from './known-props';
import { BASE_NAMES, CONFIG_HASH_ANNOTATION, prefixed, recommendedLabels, selectorLabels } from './names';
import { ComponentProps, PodPlacementProps, apiObjectsOf, checkComponentProps, checkPlacement, commonPodSpec, placementPodSpec } from './pod';
import { resourceRequirements } from './resources';
import { containerSecurityContext, podSecurityContext } from './security-context';
import { Problems, isFullyQualifiedDnsName, isIpAddress, parseUrl, reportProblems, show } from './validation';
import { scopeOf } from './validation-scope';

/** User-facing settings of Element Web. */
export interface ElementWebSettings extends PodPlacementProps {
  /** Public DNS name Element Web is served on, e.g. `chat.example.org` (not the homeserver's own host). */
  readonly host: string;

  /**
   * Element Web image; pinned by tag and digest.
   * @default docker.io/vectorim/element-web:v1.12.27@sha256:7050130b263bbcf0e4ad8da875a2821cd89dc55b2f04e93aaa13f682d013019e
   */
  readonly image?: ImageProps;

  /**
   * CPU and memory of the Element Web container.
   * @default requests 10m CPU and 32Mi memory, limit 128Mi memory
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * App name shown in the UI (config.json `brand`).
   * @default Element's own default, "Element"
   */
  readonly brand?: string;
}

/** Props of a standalone `ElementWeb`. */
export interface ElementWebProps extends ElementWebSettings, ComponentProps {
  /** The homeserver's public client-API URL, e.g. `https://matrix.example.org`. */
  readonly homeserverUrl: string;

  /** The Matrix server name (the part after `:` in user IDs). */
  readonly serverName: string;

  /**
   * Extra origins the browser may connect to, added to the CSP `connect-src` (the LiveKit `wss://` and `https://` origins and the MatrixRTC authorisation service, when not on the server name).
   * @default only this origin, the homeserver and `https://<serverName>`
   */
  readonly connectSources?: string[];

  /**
   * Extra origins that may be framed, added to the CSP `frame-src` (widgets on other hosts).
   * @default only this origin (the bundled Element Call)
   */
  readonly frameSources?: string[];
}

/** The port nginx listens on (`ELEMENT_WEB_PORT`); the image's default of 80 needs root. */
export const ELEMENT_WEB_PORT = 8080;

/**
 * The v1.12.27 image; its index digest is the one public pins of that tag record
 * (ghcr.io/element-hq/element-web and docker.io/vectorim/element-web carry the same digest).
 */
export const ELEMENT_WEB_IMAGE: ImageDefaults = {
  registry: 'docker.io',
  repository: 'vectorim/element-web',
  tag: 'v1.12.27',
  digest: 'sha256:7050130b263bbcf0e4ad8da875a2821cd89dc55b2f04e93aaa13f682d013019e',
};

/**
 * Inline scripts of the Element Call page bundled into Element Web (`widgets/element-call/index.html`
 * of @element-hq/element-call-embedded 0.22.0-0.26.1): `window.global = window;` and the
 * `Promise.withResolvers` polyfill. Allowed by hash so script-src needs no 'unsafe-inline'.
 */
export const ELEMENT_CALL_INLINE_SCRIPT_HASHES: readonly string[] = [
  "'sha256-pQY0fuQAnnVQH5nQfjo80rzGkQzeN3JeAtAJ+1KcD4k='",
  "'sha256-3042zLa3JXvrJe/2n8P/XpIKwqBdNTu7fwbLZUNrzZQ='",
];

/** Where the image writes at start, each an emptyDir because the root filesystem is read-only. */
export const ELEMENT_WEB_WRITABLE_PATHS: Readonly<Record<string, string>> = {
  // Entrypoint 18-load-element-modules.sh copies /app/config*.json to /tmp/element-web-config/ (nginx serves /config from
  // there); nginx-unprivileged keeps its pid and request temp files in /tmp.
  'tmp': '/tmp',
  // The nginx entrypoint renders /etc/nginx/templates/default.conf.template into conf.d (the only server block).
  'nginx-conf': '/etc/nginx/conf.d',
  // Temp files of releases before v1.11.97, built on nginx:alpine-slim, for users who pin such a tag.
  'nginx-cache': '/var/cache/nginx',
};

/** Where the image reads the custom config (docs/install.md: "map a volume to /app/config.json"). */
export const ELEMENT_WEB_CONFIG_PATH = '/app/config.json';

/** Input of `elementWebContentSecurityPolicy`. */
export interface ElementWebCspInput {
  /** The homeserver's client-API URL; its origin serves media and the API. */
  readonly homeserverUrl: string;
  /** The Matrix server name; `https://<serverName>` serves .well-known and, in this stack, the MatrixRTC authorisation service. */
  readonly serverName: string;
  /**
   * Extra `connect-src` origins.
   * @default none
   */
  readonly connectSources?: string[];
  /**
   * Extra `frame-src` origins.
   * @default none
   */
  readonly frameSources?: string[];
}

/**
 * A strict Content-Security-Policy for Element Web. It narrows the policy Element's index.html
 * already carries in a meta tag (src/vector/index.html: `connect-src *`, `img-src *`, `frame-src *`)
 * to this stack's origins, and covers the bundled Element Call page, which has no policy of its own.
 */
export function elementWebContentSecurityPolicy(input: ElementWebCspInput): string {
  const origin = (url: string) => {
    const parsed = parseUrl(url, ['https', 'http']);
    return parsed ? `${parsed.protocol}//${parsed.host}` : undefined;
  };
  const unique = (values: Array<string | undefined>) => [...new Set(values.filter((v): v is string => v !== undefined))];
  // Invalid lists are reported by the construct; here they only must not break the string.
  const list = (values: unknown) => (Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : []);
  const homeserver = origin(input.homeserverUrl);
  // .well-known/matrix/client (and the RTC transports it lists) live on the server name.
  const serverNameOrigin = `https://${input.serverName}`;
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'none'"]],
    // wasm-unsafe-eval: the Rust crypto is WebAssembly (index.html's own policy has it).
    ['script-src', ["'self'", "'wasm-unsafe-eval'", ...ELEMENT_CALL_INLINE_SCRIPT_HASHES]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    // Media and avatars are fetched from the homeserver (authenticated media via Element's service worker).
    ['img-src', unique(["'self'", 'data:', 'blob:', homeserver])],
    ['media-src', unique(["'self'", 'data:', 'blob:', homeserver])],
    ['connect-src', unique(["'self'", 'data:', 'blob:', homeserver, serverNameOrigin, ...list(input.connectSources)])],
    ['font-src', ["'self'", 'data:']],
    // The LiveKit end-to-end-encryption worker is started from a blob: URL.
    ['worker-src', ["'self'", 'blob:']],
    ['frame-src', unique(["'self'", ...list(input.frameSources)])],
    ['manifest-src', ["'self'"]],
    ['form-action', ["'self'"]],
    // Element's README: "frame-ancestors 'self'" against clickjacking (Element frames itself).
    ['frame-ancestors', ["'self'"]],
    ['base-uri', ["'self'"]],
    ['object-src', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

const SERVER_NAME = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;

/** `scheme://host[:port]` exactly, as a CSP source must be to mean that origin only. */
function isOrigin(value: unknown): boolean {
  const url = parseUrl(value, ['https', 'wss']);
  return url !== undefined && value === `${url.protocol}//${url.host}`;
}

/**
 * Element Web: Deployment and ClusterIP Service on 8080 serving the static client, with its
 * config.json from a ConfigMap. The route on `host` and the CSP header are attached by the caller.
 */
export class ElementWeb extends Construct {
  /** Name of the Deployment and Service. */
  public readonly name: string;
  /** Port of the Service and container. */
  public readonly port: number = ELEMENT_WEB_PORT;
  /** Public host Element Web is served on. */
  public readonly host: string;
  /** Labels selecting the Element Web pod. */
  public readonly selectorLabels: Record<string, string>;
  /** The generated config.json, as served to browsers. */
  public readonly configJson: string;
  /** The Content-Security-Policy header value to send with every response on `host`. */
  public readonly contentSecurityPolicy: string;
  /** Every response header to add on `host`: the CSP plus the headers Element's README recommends. */
  public readonly responseHeaders: Record<string, string>;
  /** ConfigMap holding config.json. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The Deployment (L1, so its selector is the stable `app` label). */
  public readonly deployment: k8s.KubeDeployment;
  /** ClusterIP Service on 8080. */
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: ElementWebProps) {
    super(scope, id);
    props = checkedProps(this, 'ElementWebProps', props);
    const problems = new Problems();
    this.name = prefixed(props.namePrefix, BASE_NAMES.elementWeb);
    this.host = props.host;
    this.selectorLabels = selectorLabels(this.name);
    const labels = recommendedLabels('element-web', 'matrix-client', this.name, props.labels);

    // Inside MatrixChat the shared props, the server name and the derived URL are validated by MatrixChat.
    const { parentValidated: managed, prefix: p } = scopeOf(props);
    if (!managed) checkComponentProps(problems, props);
    checkImage(problems, `${p}image`, props.image, ELEMENT_WEB_IMAGE);
    checkPlacement(problems, p, props);
    checkElementWebProps(problems, props, managed, p);

    const config = elementWebConfig({ homeserverUrl: props.homeserverUrl, serverName: props.serverName, brand: props.brand });
    this.configJson = `${JSON.stringify(config, null, 2)}\n`;
    this.contentSecurityPolicy = elementWebContentSecurityPolicy(props);
    this.responseHeaders = {
      'Content-Security-Policy': this.contentSecurityPolicy,
      'X-Frame-Options': 'SAMEORIGIN',
      'X-Content-Type-Options': 'nosniff',
      // index.html's meta tag sets the same; the header also covers the service worker and Element Call.
      'Referrer-Policy': 'no-referrer',
    };

    const configName = prefixed(props.namePrefix, BASE_NAMES.elementWebConfig);
    this.configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: configName, labels },
      data: { 'config.json': this.configJson },
    });

    // /config.json is served from the entrypoint's copy, so a 200 proves the start-up scripts ran.
    const probe = (failureThreshold: number): k8s.Probe => ({
      httpGet: { path: '/config.json', port: k8s.IntOrString.fromString('http') },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold,
    });
    const writable = Object.entries(ELEMENT_WEB_WRITABLE_PATHS);

    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: this.name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: this.selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: {
            labels: { ...labels, ...this.selectorLabels },
            // The entrypoint copies config.json once at start, so a config change needs a new pod.
            annotations: { [CONFIG_HASH_ANNOTATION]: configHash(this.configJson) },
          },
          spec: {
            ...commonPodSpec(props),
            ...placementPodSpec(props),
            // The image's USER is nginx (101), but it runs as any UID once its writable paths are emptyDirs.
            securityContext: podSecurityContext(false),
            containers: [{
              name: 'element-web',
              image: imageReference(props.image, ELEMENT_WEB_IMAGE),
              env: [{ name: 'ELEMENT_WEB_PORT', value: String(ELEMENT_WEB_PORT) }],
              ports: [{ name: 'http', containerPort: ELEMENT_WEB_PORT, protocol: 'TCP' }],
              readinessProbe: probe(3),
              livenessProbe: probe(6),
              resources: resourceRequirements(problems, `${p}resources`, props.resources, { cpuRequestMillis: 10, memoryRequest: Size.mebibytes(32), memoryLimit: Size.mebibytes(128) }),
              securityContext: containerSecurityContext(),
              volumeMounts: [
                // subPath: a directory mount over /app would hide the application itself.
                { name: 'config', mountPath: ELEMENT_WEB_CONFIG_PATH, subPath: 'config.json', readOnly: true },
                ...writable.map(([name, mountPath]) => ({ name, mountPath })),
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: configName, items: [{ key: 'config.json', path: 'config.json' }] } },
              ...writable.map(([name]) => ({ name, emptyDir: { sizeLimit: k8s.Quantity.fromString(name === 'tmp' ? '64Mi' : '8Mi') } })),
            ],
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'service', {
      metadata: { name: this.name, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [{ name: 'http', port: ELEMENT_WEB_PORT, targetPort: k8s.IntOrString.fromNumber(ELEMENT_WEB_PORT), protocol: 'TCP' }],
      },
    });

    reportProblems(this, problems);
  }

  /** The objects this construct generated, for escape hatches (`addJsonPatch`, labels). */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}

/** Validates the props only Element Web has. */
function checkElementWebProps(problems: Problems, props: ElementWebProps, managed: boolean, p: string): void {
  if (!isFullyQualifiedDnsName(props.host)) {
    problems.add(`${p}host`, `${show(props.host)} is not a fully qualified DNS name`, 'the Ingress or HTTPRoute rejects the host and no certificate can be issued for it, so the client is unreachable', 'use a lowercase DNS name such as "chat.example.org"');
  }
  // Inside MatrixChat the server name is validated once and the homeserver URL is derived from it.
  const homeserver = parseUrl(props.homeserverUrl, ['https']);
  if (!homeserver && !managed) {
    problems.add(`${p}homeserverUrl`, `${show(props.homeserverUrl)} is not an https:// URL`, 'Element Web would send sign-in requests to an address browsers refuse or cannot reach from an https page', 'use the public client-API URL, e.g. "https://matrix.example.org"');
  } else if (homeserver?.hostname === props.host) {
    problems.add(`${p}host`, `${show(props.host)} is also the homeserver's host`, 'one host cannot route "/" to both, and Element advises against sharing an origin with the homeserver (user content could script the client)', 'serve Element Web on its own name, e.g. "chat.example.org"');
  }
  if (!managed && (typeof props.serverName !== 'string' || !(SERVER_NAME.test(props.serverName) || isIpAddress(props.serverName)))) {
    problems.add('serverName', `${show(props.serverName)} is not a Matrix server name`, 'Element Web would show and look up a server that cannot exist', 'use the DNS name in your user IDs, e.g. "example.org"');
  }
  if (props.brand !== undefined && (typeof props.brand !== 'string' || props.brand.trim() === '')) {
    problems.add(`${p}brand`, `${show(props.brand)} is not a non-empty string`, 'Element Web would show an empty app name in titles and notifications', 'set a name such as "Example Chat", or leave it unset for "Element"');
  }
  for (const [path, sources] of [[`${p}connectSources`, props.connectSources], [`${p}frameSources`, props.frameSources]] as const) {
    if (sources === undefined) continue;
    if (!Array.isArray(sources)) {
      problems.add(path, `${show(sources)} is not a list`, 'the Content-Security-Policy cannot be built from it', 'give a list of origins such as ["wss://matrix.example.org"]');
      continue;
    }
    sources.forEach((source, index) => {
      if (!isOrigin(source)) {
        problems.add(`${path}[${index}]`, `${show(source)} is not an https:// or wss:// origin`, 'a CSP source with a path, wildcard or keyword either blocks the calls it should allow or allows far more than one origin', 'give scheme and host only, e.g. "wss://livekit.example.org"');
      }
    });
  }
}
