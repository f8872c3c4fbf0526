// The homeserver's props resolved once into defaulted settings, and the validators that read them.
import { Duration, Size } from 'cdk8s';
import { AppserviceRegistration, checkAppservices, resolveAppservices } from './appservices';
import { ResolvedComponent, resolveComponent } from './component';
import type { HomeserverProps } from './homeserver';
import { ResolvedBackup, checkBackup, resolveBackup } from './homeserver-backup';
import { ResolvedFeatures, checkFeatures, resolveFeatures } from './homeserver-features';
import { TUWUNEL_IMAGE, checkImage } from './images';
import { isPositiveQuantity } from './k8s-rules';
import { BASE_NAMES, MAX_STATEFULSET_NAME_LENGTH, prefixed } from './names';
import { checkComponentProps, checkPlacement } from './pod';
import { ResourceDefaults } from './resources';
import { ResolvedSnapshots, checkSnapshots, resolveSnapshots } from './snapshot-schedule';
import { TUWUNEL_PATHS } from './tuwunel-config';
import { Problems, checkContainerPort, checkSecretReference, isFullyQualifiedDnsName, isObjectName, parseUrl, show } from './validation';

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
  readonly publicHost: string;
  readonly grantAdminToFirstUser: boolean;
  readonly admins: string[];
  readonly sharedSecretSource?: { readonly name: string; readonly key: string };
  /** Whole seconds of the startup window; undefined when `startupTimeout` cannot be read (reported). */
  readonly startupTimeoutSeconds?: number;
  /** SSO, client IP, discovery, previews, presence, logging and listeners (homeserver-features.ts). */
  readonly features: ResolvedFeatures;
  readonly backup: ResolvedBackup;
  readonly snapshots: ResolvedSnapshots;
}

/** Long enough for an in-place database migration of a large server (the reference chart allows hours too). */
export const DEFAULT_STARTUP_TIMEOUT = Duration.hours(6);
/** How often the startup probe asks; the window is this times the failure threshold. */
export const STARTUP_PROBE_PERIOD_SECONDS = 10;
const MIN_STARTUP_TIMEOUT_SECONDS = 60;
const MAX_STARTUP_TIMEOUT_SECONDS = 7 * 24 * 3600;

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
    publicHost: props.publicHost ?? props.serverName,
    grantAdminToFirstUser: props.grantAdminToFirstUser ?? false,
    admins: Array.isArray(props.admins) ? [...props.admins] : [],
    sharedSecretSource: props.registrationSharedSecretExistingSecret
      ? { name: props.registrationSharedSecretExistingSecret.name, key: props.registrationSharedSecretExistingSecret.key }
      : undefined,
    startupTimeoutSeconds: durationSeconds(props.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT),
    features: resolveFeatures(props),
    backup: resolveBackup(props),
    snapshots: resolveSnapshots(props),
  };
}

function durationSeconds(value: unknown): number | undefined {
  if (!(value instanceof Duration)) return undefined;
  try {
    return value.toSeconds();
  } catch {
    return undefined;
  }
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
  checkAdmins(problems, s, p);
  checkStartupTimeout(problems, s, p);
  checkFeatures(problems, s.features, p);
  checkBackup(problems, s, p);
  checkSnapshots(problems, s, p);
  if (!s.scope.parentValidated && s.props.publicHost !== undefined) checkPublicHost(problems, s.props.publicHost, 'publicHost');
  const shared = s.props.registrationSharedSecretExistingSecret;
  if (shared !== undefined) {
    checkSecretReference(problems, `${p}registrationSharedSecretExistingSecret.name`, shared.name, [
      { path: `${p}registrationSharedSecretExistingSecret.key`, key: shared.key },
    ]);
  }
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

/** The host clients and federation reach: a DNS name the ingress serves. */
export function checkPublicHost(problems: Problems, publicHost: unknown, path: string): void {
  if (!isFullyQualifiedDnsName(publicHost)) {
    problems.add(
      path,
      `${show(publicHost)} is not a fully-qualified lowercase DNS name`,
      'every route, the well-known documents and the call URLs name this host, so clients and federation could never reach the server',
      'set the host the homeserver is served on, e.g. "matrix.example.org"',
    );
  }
}

/** Localparts as the Matrix spec allows them for new users (historical user IDs may hold more). */
const LOCALPART = /^[a-z0-9._=\-/+]+$/;

function checkAdmins(problems: Problems, s: HomeserverResolved, p: string): void {
  const admins = s.props.admins;
  if (admins !== undefined && !Array.isArray(admins)) {
    problems.add(`${p}admins`, `${show(admins)} is not a list of user IDs`, 'no admin would be granted', `use e.g. ["@alice:${s.serverName}"]`);
    return;
  }
  const seen = new Set<string>();
  s.admins.forEach((admin, index) => {
    const path = `${p}admins[${index}]`;
    const suffix = `:${s.serverName}`;
    if (typeof admin !== 'string' || !admin.startsWith('@') || !admin.endsWith(suffix) || !LOCALPART.test(admin.slice(1, -suffix.length))) {
      problems.add(path, `${show(admin)} is not a user ID of this server`, `Tuwunel's "users make-user-admin" only grants admin to local users (@localpart${suffix}), so the command fails at every start`, `use e.g. "@alice${suffix}" (lowercase letters, digits and ._=-/+ before the colon)`);
    } else if (seen.has(admin)) {
      problems.add(path, `${show(admin)} is listed twice`, 'the admin command would run twice at every start', 'list each admin once');
    }
    if (typeof admin === 'string') seen.add(admin);
  });
}

function checkStartupTimeout(problems: Problems, s: HomeserverResolved, p: string): void {
  const seconds = s.startupTimeoutSeconds;
  if (seconds === undefined || !Number.isSafeInteger(seconds) || seconds < MIN_STARTUP_TIMEOUT_SECONDS || seconds > MAX_STARTUP_TIMEOUT_SECONDS) {
    problems.add(
      `${p}startupTimeout`,
      seconds === undefined ? `${show(s.props.startupTimeout)} is not a whole-second cdk8s Duration` : `${seconds} seconds is outside 1 minute to 7 days`,
      'a window too short lets Kubernetes kill Tuwunel during an in-place database migration, which can corrupt the database; an unreadable one gives the pod no startup probe',
      'use e.g. Duration.hours(6)',
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
  // A zero or negative size passes the quantity syntax but the API server refuses the claim (ValidatePersistentVolumeClaimSpec).
  if (persistence.enabled && !persistence.existingClaim && !isPositiveQuantity(persistence.size)) {
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
