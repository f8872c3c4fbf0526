// The homeserver's props resolved once into defaulted settings, and the validators that read them.
import { Size } from 'cdk8s';
import { AppserviceRegistration, checkAppservices, resolveAppservices } from './appservices';
import { ResolvedComponent, resolveComponent } from './component';
import type { HomeserverProps } from './homeserver';
import { TUWUNEL_IMAGE, checkImage } from './images';
import { BASE_NAMES, MAX_STATEFULSET_NAME_LENGTH, prefixed } from './names';
import { checkComponentProps, checkPlacement } from './pod';
import { ResourceDefaults } from './resources';
import { TUWUNEL_PATHS } from './tuwunel-config';
import { Problems, checkContainerPort, checkSecretReference, isFullyQualifiedDnsName, isObjectName, isQuantity, parseUrl, show } from './validation';

/** Largest request body Tuwunel accepts by default (100 MiB); the nginx body limit follows it. */
export const DEFAULT_MAX_REQUEST_SIZE = 104_857_600;
/** Tuwunel refuses to start with a smaller `max_request_size` (src/core/config/check.rs). */
const MIN_MAX_REQUEST_SIZE = 10_000_000;

/** The database storage, defaulted. */
export interface ResolvedPersistence {
  readonly enabled: boolean;
  readonly size: string;
  readonly storageClassName?: string;
  readonly existingClaim?: string;
}

/** The homeserver's props with every default applied: what validation and rendering read. */
export interface HomeserverResolved extends ResolvedComponent<HomeserverProps> {
  readonly configName: string;
  readonly tokenSecretName: string;
  readonly serverName: string;
  readonly port: number;
  readonly allowRegistration: boolean;
  readonly allowFederation: boolean;
  readonly maxRequestSize: number;
  readonly livekitServiceUrl?: string;
  readonly persistence: ResolvedPersistence;
  readonly appservices: AppserviceRegistration[];
  /** The token to store in the bundled Secret (an inline token without an existing Secret). */
  readonly inlineToken?: string;
  /** The Secret key the token file is mounted from, when there is a token. */
  readonly tokenSource?: { readonly name: string; readonly key: string };
  readonly resourceDefaults: ResourceDefaults;
}

export function resolveHomeserver(props: HomeserverProps): HomeserverResolved {
  const tokenSecretName = prefixed(props.namePrefix, BASE_NAMES.homeserverSecret);
  const existing = props.registrationTokenExistingSecret;
  return {
    ...resolveComponent(props, BASE_NAMES.homeserver, 'tuwunel', 'homeserver', TUWUNEL_IMAGE),
    configName: prefixed(props.namePrefix, BASE_NAMES.homeserverConfig),
    tokenSecretName,
    serverName: props.serverName,
    port: props.clientPort ?? 6167,
    allowRegistration: props.allowRegistration ?? true,
    allowFederation: props.allowFederation ?? true,
    maxRequestSize: props.maxRequestSize ?? DEFAULT_MAX_REQUEST_SIZE,
    livekitServiceUrl: props.livekitServiceUrl,
    persistence: {
      enabled: props.persistence?.enabled ?? true,
      size: props.persistence?.size ?? '10Gi',
      storageClassName: props.persistence?.storageClassName,
      existingClaim: props.persistence?.existingClaim,
    },
    appservices: resolveAppservices(props.appservices ?? []),
    inlineToken: existing ? undefined : props.registrationToken,
    tokenSource: existing
      ? { name: existing.name, key: existing.key ?? TUWUNEL_PATHS.tokenKey }
      : props.registrationToken !== undefined ? { name: tokenSecretName, key: TUWUNEL_PATHS.tokenKey } : undefined,
    resourceDefaults: { cpuRequestMillis: 100, memoryRequest: Size.mebibytes(256), memoryLimit: Size.gibibytes(1) },
  };
}

/** Validates the homeserver's settings; `p` is the prefix of its prop paths (`homeserver.` inside MatrixChat). */
export function checkHomeserver(problems: Problems, s: HomeserverResolved, p: string): void {
  if (!s.scope.parentValidated) {
    checkComponentProps(problems, s.props);
    checkServerName(problems, s.serverName);
  }
  checkStatefulSetName(problems, s.name);
  checkImage(problems, `${p}image`, s.props.image, TUWUNEL_IMAGE);
  checkContainerPort(problems, `${p}clientPort`, s.port);
  checkRegistration(problems, s, p);
  checkMaxRequestSize(problems, s.maxRequestSize, p);
  // Inside MatrixChat the URL is derived from the server name and checked there against what the user set.
  if (s.livekitServiceUrl !== undefined && !s.scope.parentValidated) {
    checkLivekitServiceUrl(problems, s.livekitServiceUrl, p);
  }
  checkPersistence(problems, s.persistence, p);
  checkAppservices(problems, s.appservices, p);
  checkPlacement(problems, p, s.props);
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

function checkStatefulSetName(problems: Problems, name: string): void {
  if (name.length > MAX_STATEFULSET_NAME_LENGTH) {
    problems.add('namePrefix', `makes the StatefulSet name "${name}" ${name.length} characters long`, `StatefulSet names over ${MAX_STATEFULSET_NAME_LENGTH} characters give pods a controller-revision-hash label Kubernetes rejects`, 'use a shorter namePrefix');
  }
}

function checkRegistration(problems: Problems, s: HomeserverResolved, p: string): void {
  const token = s.props.registrationToken;
  const existing = s.props.registrationTokenExistingSecret;
  if (token !== undefined && existing !== undefined) {
    problems.add(`${p}registrationToken`, `is set together with ${p}registrationTokenExistingSecret`, 'only one of them can reach the server, and which one is ambiguous', 'remove one of the two');
  }
  if (s.allowRegistration && token === undefined && existing === undefined) {
    problems.add(
      `${p}allowRegistration`,
      'is true but no registration token is set',
      'anyone on the internet could create accounts on an open homeserver (and Tuwunel itself refuses to start that way)',
      `set ${p}registrationTokenExistingSecret (or ${p}registrationToken), or set ${p}allowRegistration to false`,
    );
  }
  if (token !== undefined && (typeof token !== 'string' || !/^\S+$/.test(token))) {
    problems.add(
      `${p}registrationToken`,
      'is empty or contains whitespace',
      'Tuwunel reads the token file as whitespace-separated tokens, so the token your backend sends would never match',
      'use a token without spaces or line breaks, e.g. `openssl rand -hex 32`',
    );
  }
  if (existing !== undefined) {
    checkSecretReference(problems, `${p}registrationTokenExistingSecret.name`, existing.name, [
      { path: `${p}registrationTokenExistingSecret.key`, key: s.tokenSource!.key },
    ]);
  }
}

function checkMaxRequestSize(problems: Problems, maxRequestSize: number, p: string): void {
  const example = `${DEFAULT_MAX_REQUEST_SIZE} (100 MiB)`;
  if (typeof maxRequestSize !== 'number' || !Number.isSafeInteger(maxRequestSize) || maxRequestSize < 1) {
    problems.add(`${p}maxRequestSize`, `${show(maxRequestSize)} is not a positive whole number of bytes`, 'Tuwunel cannot parse it and refuses to start', `use a byte count such as ${example}`);
  } else if (maxRequestSize < MIN_MAX_REQUEST_SIZE) {
    // Tuwunel src/core/config/check.rs: `max_request_size < 10_000_000` is a startup error.
    problems.add(`${p}maxRequestSize`, `${maxRequestSize} bytes is below Tuwunel's minimum of ${MIN_MAX_REQUEST_SIZE}`, 'Tuwunel refuses to start ("Max request size is less than 10MB")', `use at least ${MIN_MAX_REQUEST_SIZE} bytes, e.g. ${example}`);
  }
}

function checkPersistence(problems: Problems, persistence: ResolvedPersistence, p: string): void {
  if (persistence.enabled && !persistence.existingClaim && !isQuantity(persistence.size)) {
    problems.add(`${p}persistence.size`, `${show(persistence.size)} is not a storage quantity`, 'the API server rejects the claim and the homeserver never starts', 'use a quantity such as "10Gi"');
  }
  if (persistence.storageClassName !== undefined && !isObjectName(persistence.storageClassName)) {
    problems.add(`${p}persistence.storageClassName`, `${show(persistence.storageClassName)} is not a StorageClass name`, 'the claim never binds and the homeserver stays Pending', 'name an existing StorageClass');
  }
  if (persistence.existingClaim !== undefined) {
    if (!isObjectName(persistence.existingClaim)) {
      problems.add(`${p}persistence.existingClaim`, `${show(persistence.existingClaim)} is not a claim name`, 'the pod references a claim that cannot exist and stays Pending', 'name an existing PersistentVolumeClaim');
    }
    if (!persistence.enabled) {
      problems.add(`${p}persistence.existingClaim`, `is set while ${p}persistence.enabled is false`, 'the database would go to an emptyDir and be lost on every restart, not to your claim', `set ${p}persistence.enabled to true, or remove existingClaim`);
    }
  }
}

/** The lk-jwt-service base URL advertised in /.well-known/matrix/client. */
export function checkLivekitServiceUrl(problems: Problems, value: unknown, p: string): void {
  const url = parseUrl(value, ['https', 'http']);
  if (!url) {
    problems.add(`${p}livekitServiceUrl`, `${show(value)} is not an http(s) URL`, 'clients read it from /.well-known/matrix/client and calls fail to get a token', 'use the public base URL of lk-jwt-service, e.g. "https://matrix.example.org"');
  } else if (/\/sfu\/?$/.test(url.pathname)) {
    problems.add(
      `${p}livekitServiceUrl`,
      `${show(value)} ends in "/sfu"`,
      'Element Call appends "/sfu/get" itself, so clients would call ".../sfu/sfu/get" and every call fails to get a token',
      `drop the "/sfu" suffix, e.g. "${url.origin}${url.pathname.replace(/\/sfu\/?$/, '')}"`,
    );
  }
}
