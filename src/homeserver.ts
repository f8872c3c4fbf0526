import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppserviceRegistration, appserviceConfig, appserviceTokenEnv, checkAppservices } from './appservices';
import { ImageProps, TUWUNEL_IMAGE, checkImage, imageReference } from './images';
import { isPositiveQuantity } from './k8s-rules';
import { BASE_NAMES, CONFIG_HASH_ANNOTATION, MAX_STATEFULSET_NAME_LENGTH, prefixed, recommendedLabels, selectorLabels } from './names';
import { ComponentProps, PodPlacementProps, SECRET_FILE_MODE, apiObjectsOf, checkComponentProps, checkPlacement, commonPodSpec, configHash, containerSecurityContext, isManagedScope, placementPodSpec, podSecurityContext, resourceRequirements } from './pod';
import { Problems, checkContainerPort, checkSecretReference, isFullyQualifiedDnsName, isObjectName, parseUrl, reportProblems, show } from './validation';

/** Where the homeserver keeps its database. */
export interface PersistenceProps {
  /**
   * Keep the database on a PersistentVolumeClaim; when false it lives in an `emptyDir` and is lost with the pod.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Size of the claim created from the `data` volumeClaimTemplate.
   * @default '10Gi'
   */
  readonly size?: string;

  /**
   * StorageClass of the claim.
   * @default the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * Name of an existing PersistentVolumeClaim to use instead of the claim template.
   * @default a claim `data-<statefulset>-0` is created from the template
   */
  readonly existingClaim?: string;
}

/** A key of a user-managed Secret holding the registration token. */
export interface RegistrationTokenSecretRef {
  /** Name of the Secret in the chart's namespace. */
  readonly name: string;

  /**
   * Key of the Secret holding the token.
   * @default 'registration_token'
   */
  readonly key?: string;
}

/** Settings of the Tuwunel homeserver. */
export interface HomeserverSettings extends PodPlacementProps {
  /**
   * Tuwunel image.
   * @default ghcr.io/matrix-construct/tuwunel:v1.9.0
   */
  readonly image?: ImageProps;

  /**
   * Port Tuwunel listens on for client and federation traffic (behind the ingress).
   * @default 6167
   */
  readonly clientPort?: number;

  /**
   * Allow account registration (guarded by the registration token).
   * @default true
   */
  readonly allowRegistration?: boolean;

  /**
   * Registration token, stored in the Secret `matrix-homeserver-secret`; must equal the secret your backend provisions users with.
   * @default none; prefer `registrationTokenExistingSecret`
   */
  readonly registrationToken?: string;

  /**
   * A user-managed Secret holding the registration token (for external secret managers).
   * @default none
   */
  readonly registrationTokenExistingSecret?: RegistrationTokenSecretRef;

  /**
   * Federate with other Matrix servers (lk-jwt-service verifies OpenID tokens over federation, so calls need it).
   * @default true
   */
  readonly allowFederation?: boolean;

  /**
   * Largest request body in bytes (uploads); also sizes the nginx ingress body limit.
   * @default 104857600
   */
  readonly maxRequestSize?: number;

  /**
   * Public base URL of lk-jwt-service advertised to clients in `/.well-known/matrix/client` (Element Call appends `/sfu/get` itself).
   * @default `https://<serverName>` when lk-jwt-service is enabled, otherwise not advertised
   */
  readonly livekitServiceUrl?: string;

  /**
   * Database storage.
   * @default a 10Gi ReadWriteOnce claim
   */
  readonly persistence?: PersistenceProps;

  /**
   * CPU and memory of the homeserver container.
   * @default requests 100m CPU and 256Mi memory, limit 1Gi memory
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Appservices (bridges, bots) registered declaratively from the config; tokens come from your Secrets.
   * @default none (register at runtime with `!admin appservices register` instead)
   */
  readonly appservices?: AppserviceRegistration[];
}

/** Props of a standalone `Homeserver`. */
export interface HomeserverProps extends HomeserverSettings, ComponentProps {
  /** The Matrix server name: part of every user and room ID, immutable once users exist. */
  readonly serverName: string;
}

// smol-toml ships CommonJS beside its ES module build; its types only declare the latter.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stringify: toToml } = require('smol-toml') as { stringify(value: Record<string, unknown>): string };

const DATA_PATH = '/var/lib/tuwunel';
const CONFIG_DIR = '/etc/tuwunel';
const CONFIG_FILE = 'tuwunel.toml';
const TOKEN_DIR = '/etc/tuwunel/registration';
const TOKEN_FILE = 'registration_token';
const DEFAULT_TOKEN_KEY = 'registration_token';
/** Tuwunel refuses to start with a smaller `max_request_size` (src/core/config/check.rs). */
const MIN_MAX_REQUEST_SIZE = 10_000_000;

/**
 * A Tuwunel Matrix homeserver: StatefulSet, `tuwunel.toml` ConfigMap, registration-token
 * Secret (inline token only) and ClusterIP Service.
 */
export class Homeserver extends Construct {
  /** Name of the StatefulSet and Service. */
  public readonly name: string;
  /** Port of the ClusterIP Service and the container. */
  public readonly port: number;
  /** Labels selecting the homeserver pod. */
  public readonly selectorLabels: Record<string, string>;
  /** The generated `tuwunel.toml`. */
  public readonly configToml: string;
  /** ConfigMap holding `tuwunel.toml`. */
  public readonly configMap: k8s.KubeConfigMap;
  /** Secret holding an inline registration token; undefined when none is inline. */
  public readonly secret?: k8s.KubeSecret;
  /** The homeserver StatefulSet (L1, because kplus has no volumeClaimTemplates and hashes its selector). */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** ClusterIP Service in front of the homeserver. */
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: HomeserverProps) {
    super(scope, id);
    const problems = new Problems();

    this.name = prefixed(props.namePrefix, BASE_NAMES.homeserver);
    this.port = props.clientPort ?? 6167;
    this.selectorLabels = selectorLabels(this.name);
    const allowRegistration = props.allowRegistration ?? true;
    const appservices = props.appservices ?? [];
    const allowFederation = props.allowFederation ?? true;
    const maxRequestSize = props.maxRequestSize ?? 104857600;
    const persistence = {
      enabled: props.persistence?.enabled ?? true,
      size: props.persistence?.size ?? '10Gi',
      storageClassName: props.persistence?.storageClassName,
      existingClaim: props.persistence?.existingClaim,
    };
    const labels = recommendedLabels('tuwunel', 'homeserver', this.name, props.labels);
    const configName = prefixed(props.namePrefix, BASE_NAMES.homeserverConfig);
    const tokenSecretName = prefixed(props.namePrefix, BASE_NAMES.homeserverSecret);

    if (!isManagedScope(scope)) {
      checkComponentProps(problems, props);
      checkServerName(problems, props.serverName);
    }
    checkHomeserverProps(problems, props, this.name, maxRequestSize, allowRegistration, persistence, isManagedScope(scope));
    checkAppservices(problems, appservices);
    checkPlacement(problems, 'homeserver', props);

    // The token reaches Tuwunel as a file from the Secret: an env override would be parsed as
    // TOML, so an all-digit token would not arrive as a string.
    const tokenSource = props.registrationTokenExistingSecret
      ? { name: props.registrationTokenExistingSecret.name, key: props.registrationTokenExistingSecret.key ?? DEFAULT_TOKEN_KEY }
      : props.registrationToken !== undefined
        ? { name: tokenSecretName, key: DEFAULT_TOKEN_KEY }
        : undefined;

    const global: Record<string, unknown> = {
      server_name: props.serverName,
      database_path: DATA_PATH,
      address: ['0.0.0.0'],
      port: this.port,
      allow_registration: allowRegistration,
      ...(tokenSource ? { registration_token_file: `${TOKEN_DIR}/${TOKEN_FILE}` } : {}),
      max_request_size: maxRequestSize,
      allow_federation: allowFederation,
      well_known: {
        client: `https://${props.serverName}`,
        server: `${props.serverName}:443`,
        // livekit_url alone (not rtc_transports too), or clients see the transport twice.
        ...(props.livekitServiceUrl !== undefined ? { livekit_url: props.livekitServiceUrl } : {}),
      },
      // Tokens are not here: they arrive as environment overrides from the user's Secrets.
      ...(appservices.length > 0 ? { appservice: appserviceConfig(appservices) } : {}),
    };
    this.configToml = serializeConfig(problems, global);

    this.configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: configName, labels },
      data: { [CONFIG_FILE]: this.configToml },
    });

    if (props.registrationToken !== undefined && !props.registrationTokenExistingSecret) {
      this.secret = new k8s.KubeSecret(this, 'secret', {
        metadata: { name: tokenSecretName, labels },
        type: 'Opaque',
        data: { [DEFAULT_TOKEN_KEY]: Buffer.from(props.registrationToken, 'utf8').toString('base64') },
      });
    }

    const volumes: k8s.Volume[] = [
      { name: 'config', configMap: { name: configName, items: [{ key: CONFIG_FILE, path: CONFIG_FILE }] } },
    ];
    const mounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'data', mountPath: DATA_PATH },
    ];
    if (tokenSource) {
      volumes.push({ name: 'registration-token', secret: { secretName: tokenSource.name, items: [{ key: tokenSource.key, path: TOKEN_FILE }], defaultMode: SECRET_FILE_MODE } });
      mounts.push({ name: 'registration-token', mountPath: TOKEN_DIR, readOnly: true });
    }
    if (!persistence.enabled) {
      volumes.push({ name: 'data', emptyDir: {} });
    } else if (persistence.existingClaim) {
      volumes.push({ name: 'data', persistentVolumeClaim: { claimName: persistence.existingClaim } });
    }
    const claimTemplates: k8s.KubePersistentVolumeClaimProps[] | undefined = persistence.enabled && !persistence.existingClaim
      ? [{
        metadata: { name: 'data', labels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: persistence.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(persistence.size) } },
        },
      }]
      : undefined;

    const probe = (failureThreshold: number, periodSeconds: number): k8s.Probe => ({
      httpGet: { path: '/_matrix/client/versions', port: k8s.IntOrString.fromString('http') },
      periodSeconds,
      timeoutSeconds: 5,
      failureThreshold,
    });

    this.statefulSet = new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: { name: this.name, labels },
      spec: {
        replicas: 1,
        serviceName: this.name,
        selector: { matchLabels: this.selectorLabels },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: {
            labels: { ...labels, ...this.selectorLabels },
            annotations: { [CONFIG_HASH_ANNOTATION]: configHash(this.configToml, props.registrationToken ?? '') },
          },
          spec: {
            ...commonPodSpec(props),
            ...placementPodSpec(props),
            securityContext: podSecurityContext(true),
            containers: [{
              name: 'tuwunel',
              image: imageReference(props.image, TUWUNEL_IMAGE),
              env: [{ name: 'TUWUNEL_CONFIG', value: `${CONFIG_DIR}/${CONFIG_FILE}` }, ...appserviceTokenEnv(appservices)],
              ports: [{ name: 'http', containerPort: this.port, protocol: 'TCP' }],
              volumeMounts: mounts,
              // RocksDB may compact or migrate for minutes at start; liveness waits for the startup probe.
              startupProbe: probe(60, 5),
              readinessProbe: probe(3, 10),
              livenessProbe: probe(6, 20),
              resources: resourceRequirements(problems, 'homeserver.resources', props.resources, { cpuRequestMillis: 100, memoryRequest: Size.mebibytes(256), memoryLimit: Size.gibibytes(1) }),
              securityContext: containerSecurityContext(),
            }],
            volumes,
          },
        },
        volumeClaimTemplates: claimTemplates,
      },
    });

    this.service = new k8s.KubeService(this, 'service', {
      metadata: { name: this.name, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [{ name: 'http', port: this.port, targetPort: k8s.IntOrString.fromNumber(this.port), protocol: 'TCP' }],
      },
    });

    reportProblems(this, problems);
  }

  /** The objects this construct generated, for escape hatches (`addJsonPatch`, labels). */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}

interface ResolvedPersistence {
  readonly enabled: boolean;
  readonly size: string;
  readonly storageClassName?: string;
  readonly existingClaim?: string;
}

/**
 * tuwunel.toml as text. The serializer throws on text TOML cannot hold (an unpaired surrogate);
 * that becomes a validation error, so construction never throws and every problem is reported.
 */
function serializeConfig(problems: Problems, global: Record<string, unknown>): string {
  try {
    return toToml({ global });
  } catch (error) {
    problems.add('homeserver', `tuwunel.toml cannot be written (${(error as Error).message})`, 'Tuwunel could not read its configuration and would not start', 'remove unpaired UTF-16 surrogates and other broken characters from the homeserver props');
    return '';
  }
}

/** The server name is the ingress host and part of every Matrix ID. */
export function checkServerName(problems: Problems, serverName: unknown): void {
  if (!isFullyQualifiedDnsName(serverName)) {
    problems.add(
      'serverName',
      `${show(serverName)} is not a fully-qualified lowercase DNS name`,
      'it is the ingress host and part of every Matrix ID, so clients and federation could never reach the server, and it cannot be changed once users exist',
      'set the public host name of the homeserver, e.g. "matrix.example.org"',
    );
  }
}

function checkHomeserverProps(
  problems: Problems,
  props: HomeserverProps,
  name: string,
  maxRequestSize: number,
  allowRegistration: boolean,
  persistence: ResolvedPersistence,
  managed: boolean,
): void {
  if (name.length > MAX_STATEFULSET_NAME_LENGTH) {
    problems.add('namePrefix', `makes the StatefulSet name "${name}" ${name.length} characters long`, `StatefulSet names over ${MAX_STATEFULSET_NAME_LENGTH} characters give pods a controller-revision-hash label Kubernetes rejects`, 'use a shorter namePrefix');
  }
  checkImage(problems, 'homeserver.image', props.image, TUWUNEL_IMAGE);
  checkContainerPort(problems, 'homeserver.clientPort', props.clientPort ?? 6167);

  const hasInline = props.registrationToken !== undefined;
  const hasExisting = props.registrationTokenExistingSecret !== undefined;
  if (hasInline && hasExisting) {
    problems.add('homeserver.registrationToken', 'is set together with homeserver.registrationTokenExistingSecret', 'only one of them can reach the server, and which one is ambiguous', 'remove one of the two');
  }
  if (allowRegistration && !hasInline && !hasExisting) {
    problems.add(
      'homeserver.allowRegistration',
      'is true but no registration token is set',
      'anyone on the internet could create accounts on an open homeserver (and Tuwunel itself refuses to start that way)',
      'set homeserver.registrationTokenExistingSecret (or homeserver.registrationToken), or set homeserver.allowRegistration to false',
    );
  }
  if (hasInline && (typeof props.registrationToken !== 'string' || !/^\S+$/.test(props.registrationToken))) {
    problems.add(
      'homeserver.registrationToken',
      'is empty or contains whitespace',
      'Tuwunel reads the token file as whitespace-separated tokens, so the token your backend sends would never match',
      'use a token without spaces or line breaks, e.g. `openssl rand -hex 32`',
    );
  }
  if (hasExisting) {
    checkSecretReference(problems, 'homeserver.registrationTokenExistingSecret.name', props.registrationTokenExistingSecret!.name, [
      { path: 'homeserver.registrationTokenExistingSecret.key', key: props.registrationTokenExistingSecret!.key ?? DEFAULT_TOKEN_KEY },
    ]);
  }
  if (typeof maxRequestSize !== 'number' || !Number.isSafeInteger(maxRequestSize) || maxRequestSize < 1) {
    problems.add('homeserver.maxRequestSize', `${show(maxRequestSize)} is not a positive whole number of bytes`, 'Tuwunel cannot parse it and refuses to start', 'use a byte count such as 104857600 (100 MiB)');
  } else if (maxRequestSize < MIN_MAX_REQUEST_SIZE) {
    // Tuwunel src/core/config/check.rs: `max_request_size < 10_000_000` is a startup error.
    problems.add('homeserver.maxRequestSize', `${maxRequestSize} bytes is below Tuwunel's minimum of ${MIN_MAX_REQUEST_SIZE}`, 'Tuwunel refuses to start ("Max request size is less than 10MB")', `use at least ${MIN_MAX_REQUEST_SIZE} bytes, e.g. 104857600 (100 MiB)`);
  }
  if (props.livekitServiceUrl !== undefined && !managed) {
    checkLivekitServiceUrl(problems, props.livekitServiceUrl);
  }
  if (persistence.enabled && !persistence.existingClaim && !isPositiveQuantity(persistence.size)) {
    problems.add('homeserver.persistence.size', `${show(persistence.size)} is not a storage quantity`, 'the API server rejects the claim and the homeserver never starts', 'use a quantity such as "10Gi"');
  }
  if (persistence.storageClassName !== undefined && !isObjectName(persistence.storageClassName)) {
    problems.add('homeserver.persistence.storageClassName', `${show(persistence.storageClassName)} is not a StorageClass name`, 'the claim never binds and the homeserver stays Pending', 'name an existing StorageClass');
  }
  if (persistence.existingClaim !== undefined) {
    if (!isObjectName(persistence.existingClaim)) {
      problems.add('homeserver.persistence.existingClaim', `${show(persistence.existingClaim)} is not a claim name`, 'the pod references a claim that cannot exist and stays Pending', 'name an existing PersistentVolumeClaim');
    }
    if (!persistence.enabled) {
      problems.add('homeserver.persistence.existingClaim', 'is set while homeserver.persistence.enabled is false', 'the database would go to an emptyDir and be lost on every restart, not to your claim', 'set homeserver.persistence.enabled to true, or remove existingClaim');
    }
  }
}

/** The lk-jwt-service base URL advertised in /.well-known/matrix/client. */
export function checkLivekitServiceUrl(problems: Problems, value: unknown): void {
  const url = parseUrl(value, ['https', 'http']);
  if (!url) {
    problems.add('homeserver.livekitServiceUrl', `${show(value)} is not an http(s) URL`, 'clients read it from /.well-known/matrix/client and calls fail to get a token', 'use the public base URL of lk-jwt-service, e.g. "https://matrix.example.org"');
  } else if (/\/sfu\/?$/.test(url.pathname)) {
    problems.add(
      'homeserver.livekitServiceUrl',
      `${show(value)} ends in "/sfu"`,
      'Element Call appends "/sfu/get" itself, so clients would call ".../sfu/sfu/get" and every call fails to get a token',
      `drop the "/sfu" suffix, e.g. "${url.origin}${url.pathname.replace(/\/sfu\/?$/, '')}"`,
    );
  }
}
