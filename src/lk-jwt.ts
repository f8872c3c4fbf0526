// lk-jwt-service, the token broker between Matrix and LiveKit: props, settings, validation and its Deployment and Service.
import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ResolvedComponent, httpServiceOf, resolveComponent } from './component';
import { configHash } from './config-hash';
import { ImageProps, LK_JWT_IMAGE, checkImage, resolveImage } from './images';
import { checkedProps } from './known-props';
import { LiveKitCredentialsRef } from './livekit';
import { LkJwtRelease, isLkJwtRelease, releaseOfTag, servesDelayedLeave } from './lk-jwt-release';
import { BASE_NAMES, CONFIG_HASH_ANNOTATION } from './names';
import { ComponentProps, PodPlacementProps, apiObjectsOf, checkComponentProps, checkPlacement, commonPodSpec, placementPodSpec } from './pod';
import { ResourceDefaults, resourceRequirements } from './resources';
import { containerSecurityContext, podSecurityContext } from './security-context';
import { lkJwtStartupCheck } from './startup-guard';
import { Problems, checkSecretReference, isIpAddress, parseUrl, reportProblems, show } from './validation';

/** Settings of lk-jwt-service, the token broker between Matrix and LiveKit. */
export interface LkJwtSettings extends PodPlacementProps {
  /**
   * lk-jwt-service image, pinned by release tag and digest.
   * @default ghcr.io/element-hq/lk-jwt-service:0.5.0@sha256:29918567e6b7cd920e2853b4cd6848ce01b79947c3d19a9f1ed5b74f0a2a88bf
   */
  readonly image?: ImageProps;

  /**
   * The release the image is, which decides what is routed and set: `V0_6` adds `/delegate_delayed_leave`, LiveKit webhooks and `LIVEKIT_CS_API_URL_OVERRIDES`.
   * @default from `image.tag` (`V0_6` for a tag of 0.6.0 or later), else `V0_5`, the default image's release
   */
  readonly release?: LkJwtRelease;

  /**
   * Skip TLS verification when lk-jwt-service calls the homeserver and LiveKit (does not fix reachability).
   * @default false
   */
  readonly insecureSkipVerifyTls?: boolean;

  /**
   * CPU and memory of the lk-jwt-service container.
   * @default requests 10m CPU and 32Mi memory, limit 128Mi memory
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * In-cluster IP (e.g. the ingress controller's Service IP) the server name and the public host resolve to inside the lk-jwt-service pod, via `hostAliases`, so OpenID verification and Twirp room creation work without hairpin NAT or split-horizon DNS.
   * @default the server name resolves through cluster DNS
   */
  readonly serverNameAddress?: string;
}

/** Props of a standalone `LkJwt`. */
export interface LkJwtProps extends LkJwtSettings, ComponentProps {
  /** The Matrix server name whose users get full access (may create rooms). */
  readonly serverName: string;

  /**
   * Host the homeserver is served on when it is not the server name (federation discovery leads there from the server name's `/.well-known/matrix/server`).
   * @default serverName
   */
  readonly publicHost?: string;

  /** LiveKit's public `wss://` URL, returned to browsers and used for Twirp room creation. */
  readonly livekitUrl: string;

  /** Where the LiveKit API key and secret are read from. */
  readonly credentials: LiveKitCredentialsRef;

  /**
   * In-cluster client-server API base URL of the homeserver, e.g. `http://matrix-homeserver:8008`, set as `LIVEKIT_CS_API_URL_OVERRIDES` for the server name so delegated leave events do not hairpin through the public ingress (release `V0_6` only; 0.5.0 does not read it).
   * @default none: lk-jwt-service discovers the URL from the server name's `/.well-known/matrix/client`
   */
  readonly homeserverUrl?: string;

  /**
   * A value that changes when inline credentials change, written to the pod template so the pod restarts with new keys.
   * @default none (credentials from a user-managed Secret)
   */
  readonly credentialsHash?: string;
}

/** lk-jwt-service's fixed listen port (its default `LIVEKIT_JWT_BIND` of `:8080`). */
export const LK_JWT_PORT = 8080;

const RESOURCE_DEFAULTS: ResourceDefaults = { cpuRequestMillis: 10, memoryRequest: Size.mebibytes(32), memoryLimit: Size.mebibytes(128) };

/** lk-jwt-service's props with every default applied: what validation and rendering read. */
interface LkJwtResolved extends ResolvedComponent<LkJwtProps> {
  readonly release: LkJwtRelease;
  readonly env: k8s.EnvVar[];
}

/** The release of lk-jwt-service an image runs: the one set, else the one its tag names, else the default image's. */
export function lkJwtReleaseOf(settings: Pick<LkJwtSettings, 'image' | 'release'> | undefined): LkJwtRelease {
  if (isLkJwtRelease(settings?.release)) return settings.release;
  return releaseOfTag(resolveImage(settings?.image, LK_JWT_IMAGE).tag) ?? LkJwtRelease.V0_5;
}

function resolveLkJwt(props: LkJwtProps): LkJwtResolved {
  // Missing credentials from an untyped caller are reported by checkLkJwt; the env is built all the same.
  const credentials: Partial<LiveKitCredentialsRef> = props.credentials ?? {};
  const secretEnv = (envName: string, key: string | undefined): k8s.EnvVar => ({
    name: envName,
    valueFrom: { secretKeyRef: { name: credentials.secretName as string, key: key as string } },
  });
  const release = lkJwtReleaseOf(props);
  return {
    ...resolveComponent(props, BASE_NAMES.lkJwt, 'lk-jwt-service', 'token-service', LK_JWT_IMAGE),
    release,
    env: [
      { name: 'LIVEKIT_URL', value: props.livekitUrl },
      { name: 'LIVEKIT_FULL_ACCESS_HOMESERVERS', value: props.serverName },
      secretEnv('LIVEKIT_KEY', credentials.apiKeyKey),
      secretEnv('LIVEKIT_SECRET', credentials.apiSecretKey),
      // lk-jwt-service honours only this exact value.
      ...(props.insecureSkipVerifyTls ? [{ name: 'LIVEKIT_INSECURE_SKIP_VERIFY_TLS', value: 'YES_I_KNOW_WHAT_I_AM_DOING' }] : []),
      // server_name=url pairs (config.go:89-105, main); 0.5.0 reads no such variable, so it is only set for a release that does.
      ...(servesDelayedLeave(release) && props.homeserverUrl !== undefined ? [{ name: 'LIVEKIT_CS_API_URL_OVERRIDES', value: `${props.serverName}=${props.homeserverUrl}` }] : []),
    ],
  };
}

/** Validates lk-jwt-service's settings; `p` is the prefix of its prop paths (`lkJwt.` inside MatrixChat). */
function checkLkJwt(problems: Problems, s: LkJwtResolved, p: string): void {
  const props = s.props;
  if (!s.scope.parentValidated) checkComponentProps(problems, props);
  checkImage(problems, `${p}image`, props.image, LK_JWT_IMAGE);
  checkPlacement(problems, p, props);
  checkRelease(problems, props, p);
  if (props.serverNameAddress !== undefined && !isIpAddress(props.serverNameAddress)) {
    problems.add(`${p}serverNameAddress`, `${show(props.serverNameAddress)} is not an IPv4 or IPv6 address`, 'hostAliases only map names to IP addresses, so the API server rejects the pod', 'use the ClusterIP of the ingress controller Service, e.g. from `kubectl -n ingress-nginx get svc ingress-nginx-controller -o jsonpath={.spec.clusterIP}`');
  }
  // Inside MatrixChat the URL and the Secret reference are derived, and validated there against the props the user set.
  if (s.scope.parentValidated) return;
  if (props.homeserverUrl !== undefined && !parseUrl(props.homeserverUrl, ['http', 'https'])) {
    problems.add(`${p}homeserverUrl`, `${show(props.homeserverUrl)} is not an http(s) URL`, 'lk-jwt-service joins API paths onto it and every delegated leave request fails', 'use the homeserver Service URL, e.g. "http://matrix-homeserver:8008"');
  }
  if (!parseUrl(props.livekitUrl, ['wss', 'ws'])) {
    problems.add(`${p}livekitUrl`, `${show(props.livekitUrl)} is not a ws:// or wss:// URL`, 'lk-jwt-service hands it to browsers, which cannot open a LiveKit connection to it, so calls never connect', 'use the public WebSocket URL of LiveKit, e.g. "wss://matrix.example.org"');
  }
  if (props.credentials === undefined) {
    problems.add(`${p}credentials`, 'is not set', 'lk-jwt-service cannot sign LiveKit tokens without the API key and secret, so no call connects', 'pass the Secret holding them, e.g. `credentials: liveKit.credentials`');
    return;
  }
  checkSecretReference(problems, `${p}credentials.secretName`, props.credentials.secretName, [
    { path: `${p}credentials.apiKeyKey`, key: props.credentials.apiKeyKey },
    { path: `${p}credentials.apiSecretKey`, key: props.credentials.apiSecretKey },
  ]);
}

/** The release must be a member, and `V0_6` needs an image of that release (the default image is 0.5.0). */
function checkRelease(problems: Problems, props: LkJwtSettings, p: string): void {
  if (props.release === undefined) return;
  if (!isLkJwtRelease(props.release)) {
    problems.add(`${p}release`, `${show(props.release)} is not an LkJwtRelease`, 'which routes and environment lk-jwt-service needs would be guessed', 'use "V0_5" or "V0_6"');
    return;
  }
  const image = props.image;
  const userPinned = image?.tag !== undefined || image?.digest !== undefined;
  if (servesDelayedLeave(props.release) && !userPinned) {
    problems.add(`${p}release`, 'is V0_6 while lkJwt.image is the default 0.5.0 image', '0.5.0 serves neither /delegate_delayed_leave nor /sfu_webhook (main.go:376-384), so those requests get 404 and LIVEKIT_CS_API_URL_OVERRIDES is ignored', 'set lkJwt.image.tag to "0.6.0" or later (with its digest), or leave release unset');
  }
}

/**
 * lk-jwt-service: verifies a Matrix user's OpenID token against the homeserver and returns
 * a LiveKit JWT. Deployment and ClusterIP Service on 8080.
 */
export class LkJwt extends Construct {
  /** Name of the Deployment and Service. */
  public readonly name: string;
  /** Port of the Service and container. */
  public readonly port: number = LK_JWT_PORT;
  /** The release the image is (what is routed to it and which environment it reads). */
  public readonly release: LkJwtRelease;
  /** Labels selecting the lk-jwt-service pod. */
  public readonly selectorLabels: Record<string, string>;
  /** The Deployment (L1, like every workload here: see `Homeserver.statefulSet`). */
  public readonly deployment: k8s.KubeDeployment;
  /** ClusterIP Service on 8080. */
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: LkJwtProps) {
    super(scope, id);
    props = checkedProps(this, 'LkJwtProps', props);
    const problems = new Problems();
    const settings = resolveLkJwt(props);
    this.name = settings.name;
    this.release = settings.release;
    this.selectorLabels = settings.selectorLabels;
    checkLkJwt(problems, settings, settings.scope.prefix);
    lkJwtStartupCheck(problems, settings.env, settings.scope.parentValidated);
    this.deployment = this.createWorkload(problems, settings);
    this.service = httpServiceOf(this, settings, LK_JWT_PORT);
    reportProblems(this, problems);
  }

  /** The objects this construct generated, for escape hatches (`addJsonPatch`, labels). */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }

  private createWorkload(problems: Problems, s: LkJwtResolved): k8s.KubeDeployment {
    const props = s.props;
    const probe = (failureThreshold: number): k8s.Probe => ({
      httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('http') },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold,
    });
    return new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: s.name, labels: s.labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: s.selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: {
            labels: { ...s.labels, ...s.selectorLabels },
            annotations: { [CONFIG_HASH_ANNOTATION]: configHash(...s.env.map((e) => `${e.name}=${e.value ?? ''}`), props.credentialsHash ?? '') },
          },
          spec: {
            ...commonPodSpec(props),
            ...placementPodSpec(props),
            // OpenID verification resolves the server name, then the public host its well-known
            // delegates to (also LIVEKIT_URL's host by default): both go to the in-cluster ingress.
            hostAliases: props.serverNameAddress !== undefined
              ? [{ ip: props.serverNameAddress, hostnames: [...new Set([props.serverName, props.publicHost ?? props.serverName])] }]
              : undefined,
            securityContext: podSecurityContext(false),
            containers: [{
              name: 'lk-jwt-service',
              image: s.image,
              env: s.env,
              ports: [{ name: 'http', containerPort: LK_JWT_PORT, protocol: 'TCP' }],
              readinessProbe: probe(3),
              livenessProbe: probe(6),
              resources: resourceRequirements(problems, `${s.scope.prefix}resources`, props.resources, RESOURCE_DEFAULTS),
              securityContext: containerSecurityContext(),
            }],
          },
        },
      },
    });
  }

}
