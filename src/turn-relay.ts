// LiveKit's TURNS relay: its props, the resolved settings, their validation and the pieces the LiveKit pod mounts.
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkedProps } from './known-props';
import { BASE_NAMES, prefixed, recommendedLabels } from './names';
import { SECRET_FILE_MODE } from './security-context';
import { Problems, checkContainerPort, checkSecretReference, isFullyQualifiedDnsName, isObjectName, reportProblems, show } from './validation';
import { scopeOf } from './validation-scope';

/** Kind of a cert-manager issuer. */
export enum IssuerKind {
  /** A namespaced `Issuer` in the chart's namespace. */
  ISSUER = 'Issuer',
  /** A cluster-wide `ClusterIssuer`. */
  CLUSTER_ISSUER = 'ClusterIssuer',
}

/** A cert-manager issuer. */
export interface CertificateIssuerRef {
  /** Name of the issuer. */
  readonly name: string;

  /**
   * Kind of the issuer.
   * @default IssuerKind.CLUSTER_ISSUER
   */
  readonly kind?: IssuerKind;
}

/** The certificate LiveKit's TURNS listener presents. */
export interface TurnTlsProps {
  /**
   * Name of a Secret holding a certificate and key for `turn.domain` (e.g. issued by cert-manager).
   * @default none; required when TURN is enabled, unless `issuer` is set
   */
  readonly existingSecret?: string;

  /**
   * cert-manager issuer for a managed certificate: a `Certificate` for `turn.domain` is emitted and its Secret mounted. Use a DNS-01 issuer: the TURN domain points at the RTC LoadBalancer, which does not serve HTTP-01 challenges.
   * @default none; bring your own Secret with `existingSecret`
   */
  readonly issuer?: CertificateIssuerRef;

  /**
   * Key of the Secret holding the PEM certificate (chain).
   * @default 'tls.crt'
   */
  readonly certKey?: string;

  /**
   * Key of the Secret holding the PEM private key.
   * @default 'tls.key'
   */
  readonly keyKey?: string;
}

/** LiveKit's built-in TURN relay over TLS, for clients behind symmetric NAT or TLS-only firewalls. */
export interface TurnProps {
  /**
   * Enable the TURNS relay on the SFU.
   * @default false
   */
  readonly enabled?: boolean;

  /**
   * Host name clients dial for TURNS; must resolve to the `livekit-rtc` LoadBalancer IP, not to the ingress.
   * @default none; required when TURN is enabled
   */
  readonly domain?: string;

  /**
   * Port the TURNS listener binds inside the container; the public port is always 443, because LiveKit always advertises `turns:<domain>:443`.
   * @default 5349
   */
  readonly tlsPort?: number;

  /**
   * TLS is terminated by the load balancer in front of `livekit-rtc` (clouds whose load balancers hold certificates): the SFU listens plain TCP on `tlsPort` and mounts no certificate. The load balancer must terminate TLS for `domain` on 443 and forward plain TCP to `tlsPort`.
   * @default false; the SFU terminates TLS with `tls`
   */
  readonly externalTls?: boolean;

  /**
   * Certificate for `domain`.
   * @default none; `tls.existingSecret` is required when TURN is enabled, unless `externalTls` is true
   */
  readonly tls?: TurnTlsProps;
}

/** Props of `TurnRelay`. */
export interface TurnRelayProps extends TurnProps {
  /**
   * Prefix for the names of generated objects (the managed Certificate and its Secret).
   * @default ''
   */
  readonly namePrefix?: string;

  /**
   * Labels added to generated objects.
   * @default none
   */
  readonly labels?: Record<string, string>;
}

/** Public port of the relay: LiveKit always tells clients `turns:<domain>:443` (pkg/service/roommanager.go). */
export const TURNS_PUBLIC_PORT = 443;
const CERT_DIR = '/etc/livekit-turn-tls';
const CERT_FILE = 'tls.crt';
const KEY_FILE = 'tls.key';
/** The keys cert-manager writes, and the defaults of `certKey` and `keyKey`. */
const CERT_MANAGER_KEYS = { certKey: CERT_FILE, keyKey: KEY_FILE } as const;

/** The relay's props with every default applied. */
interface TurnSettings {
  readonly domain: string;
  readonly tlsPort: number;
  readonly externalTls: boolean;
  /** The raw prop, for its type check. */
  readonly externalTlsProp: unknown;
  readonly issuer?: CertificateIssuerRef;
  readonly existingSecret?: string;
  /** The Secret mounted: the user's, or the managed Certificate's. */
  readonly certificateSecretName: string;
  readonly certKey: string;
  readonly keyKey: string;
  readonly certificateName: string;
  readonly labels?: Record<string, string>;
}

function resolveTurn(props: TurnRelayProps): TurnSettings {
  const issuer = props.tls?.issuer;
  const certificateName = prefixed(props.namePrefix, BASE_NAMES.turnCertificate);
  return {
    domain: props.domain ?? '',
    tlsPort: props.tlsPort ?? 5349,
    externalTls: props.externalTls === true,
    externalTlsProp: props.externalTls,
    issuer,
    existingSecret: props.tls?.existingSecret,
    certificateSecretName: props.tls?.existingSecret ?? (issuer ? certificateName : ''),
    certKey: props.tls?.certKey ?? CERT_MANAGER_KEYS.certKey,
    keyKey: props.tls?.keyKey ?? CERT_MANAGER_KEYS.keyKey,
    certificateName,
    labels: props.labels,
  };
}

/**
 * TURNS on the LiveKit SFU: the `turn` section of LiveKit's config, the certificate volume,
 * the container port and the LoadBalancer port 443 that the `LiveKit` construct wires in.
 */
export class TurnRelay extends Construct {
  /** The TURN host name. */
  public readonly domain: string;
  /** Container port of the TURNS listener. */
  public readonly tlsPort: number;
  /** TLS is terminated upstream: no certificate is mounted. */
  public readonly externalTls: boolean;
  /** Name of the Secret holding the certificate ('' with `externalTls`). */
  public readonly certificateSecretName: string;
  /** The cert-manager Certificate, when `tls.issuer` is set. */
  public readonly certificate?: ApiObject;

  private readonly certKey: string;
  private readonly keyKey: string;

  constructor(scope: Construct, id: string, props: TurnRelayProps) {
    super(scope, id);
    props = checkedProps(this, 'TurnRelayProps', props);
    const settings = resolveTurn(props);
    this.domain = settings.domain;
    this.tlsPort = settings.tlsPort;
    this.externalTls = settings.externalTls;
    this.certificateSecretName = settings.certificateSecretName;
    this.certKey = settings.certKey;
    this.keyKey = settings.keyKey;

    const problems = new Problems();
    checkTurn(problems, settings, scopeOf(props).prefix);
    if (settings.issuer && !settings.externalTls) this.certificate = this.createCertificate(settings, settings.issuer);
    reportProblems(this, problems);
  }

  private createCertificate(settings: TurnSettings, issuer: CertificateIssuerRef): ApiObject {
    return new ApiObject(this, 'certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: settings.certificateName, labels: recommendedLabels('livekit', 'turn-relay', settings.certificateName, settings.labels) },
      spec: {
        secretName: settings.certificateSecretName,
        dnsNames: [settings.domain],
        issuerRef: { name: issuer.name, kind: issuer.kind ?? IssuerKind.CLUSTER_ISSUER, group: 'cert-manager.io' },
        privateKey: { rotationPolicy: 'Always' },
      },
    } as any);
  }

  /** Whether the pod mounts the certificate volume (not with `externalTls`). */
  public get mountsCertificate(): boolean {
    return !this.externalTls;
  }

  /** Where LiveKit reads the certificate. */
  public get certPath(): string {
    return `${CERT_DIR}/${CERT_FILE}`;
  }

  /** Where LiveKit reads the private key. */
  public get keyPath(): string {
    return `${CERT_DIR}/${KEY_FILE}`;
  }

  /** The `turn` section of LiveKit's config.yaml (keys LiveKit really reads). */
  public get configSection(): Record<string, unknown> {
    // external_tls: LiveKit listens plain TCP on tls_port and loads no certificate (pkg/service/turn.go:138-139).
    if (this.externalTls) return { enabled: true, domain: this.domain, tls_port: this.tlsPort, external_tls: true };
    return {
      enabled: true,
      domain: this.domain,
      tls_port: this.tlsPort,
      cert_file: this.certPath,
      key_file: this.keyPath,
    };
  }

  /** The certificate volume (group-readable only). */
  public get volume(): k8s.Volume {
    return {
      name: 'turn-tls',
      secret: {
        secretName: this.certificateSecretName,
        items: [{ key: this.certKey, path: CERT_FILE }, { key: this.keyKey, path: KEY_FILE }],
        defaultMode: SECRET_FILE_MODE,
      },
    };
  }

  /** Where the certificate is mounted: outside LiveKit's config mount. */
  public get volumeMount(): k8s.VolumeMount {
    return { name: 'turn-tls', mountPath: CERT_DIR, readOnly: true };
  }

  /** The TURNS container port. */
  public get containerPort(): k8s.ContainerPort {
    return { name: 'turns', containerPort: this.tlsPort, protocol: 'TCP' };
  }

  /** The LoadBalancer port: public 443 onto the container port. */
  public get servicePort(): k8s.ServicePort {
    return { name: 'turns', port: TURNS_PUBLIC_PORT, targetPort: k8s.IntOrString.fromNumber(this.tlsPort), protocol: 'TCP' };
  }
}

/** Validates the relay's settings; `p` is the prefix of their prop paths (`livekit.turn.` inside MatrixChat). */
function checkTurn(problems: Problems, s: TurnSettings, p: string): void {
  if (s.domain === '') {
    problems.add(`${p}domain`, 'is not set', 'a TURN relay without a reachable host name boots but never accepts a connection, so clients behind symmetric NAT join calls with no media', 'set a dedicated name such as "turn.matrix.example.org" whose DNS points at the livekit-rtc LoadBalancer IP');
  } else if (!isFullyQualifiedDnsName(s.domain)) {
    problems.add(`${p}domain`, `${show(s.domain)} is not a fully-qualified lowercase DNS name`, 'LiveKit advertises it to clients and the certificate must match it, so relayed calls fail', 'use a host name such as "turn.matrix.example.org"');
  }
  if (s.externalTlsProp !== undefined && typeof s.externalTlsProp !== 'boolean') {
    problems.add(`${p}externalTls`, `${show(s.externalTlsProp)} is not true or false`, 'whether the SFU or the load balancer terminates TLS would be a guess, and a wrong guess leaves TURNS without a handshake', 'use true (the load balancer holds the certificate) or false');
  }
  if (s.externalTls) {
    if (s.issuer || s.existingSecret !== undefined) {
      problems.add(`${p}${s.issuer ? 'tls.issuer' : 'tls.existingSecret'}`, 'is set together with turn.externalTls', 'with TLS terminated by the load balancer the SFU never reads a certificate, so it would be issued or mounted for nothing while the one that matters lives on the load balancer', 'remove turn.tls, or turn.externalTls to let the SFU terminate TLS');
    }
  } else {
    checkCertificate(problems, s, p);
  }
  checkContainerPort(problems, `${p}tlsPort`, s.tlsPort);
}

function checkCertificate(problems: Problems, s: TurnSettings, p: string): void {
  // An empty existingSecret counts as set: with an issuer it would otherwise give the Certificate secretName "" (fuzz:deep).
  if (s.issuer && s.existingSecret !== undefined) {
    problems.add(`${p}tls.issuer`, 'is set together with turn.tls.existingSecret', 'the relay can mount only one certificate Secret, and a managed Certificate would overwrite yours', 'remove turn.tls.issuer (bring your own Secret) or turn.tls.existingSecret (let cert-manager manage it)');
  }
  if (s.issuer) {
    checkIssuer(problems, s, s.issuer, p);
  } else if (s.existingSecret === undefined || s.existingSecret === '') {
    problems.add(`${p}tls.existingSecret`, 'is not set', 'LiveKit terminates TURNS itself and without a certificate the relay never completes a TLS handshake, so NAT-bound clients fail silently', 'create a certificate Secret for turn.domain and name it here, or set turn.tls.issuer to have cert-manager issue one');
  } else {
    checkSecretReference(problems, `${p}tls.existingSecret`, s.existingSecret, [
      { path: `${p}tls.certKey`, key: s.certKey },
      { path: `${p}tls.keyKey`, key: s.keyKey },
    ]);
  }
}

function checkIssuer(problems: Problems, s: TurnSettings, issuer: CertificateIssuerRef, p: string): void {
  if (!isObjectName(issuer.name)) {
    problems.add(`${p}tls.issuer.name`, `${show(issuer.name)} is not an issuer name`, 'cert-manager finds no issuer, never issues the certificate, and the relay never starts', 'name an existing Issuer or ClusterIssuer');
  }
  if (issuer.kind !== undefined && !Object.values(IssuerKind).includes(issuer.kind)) {
    problems.add(`${p}tls.issuer.kind`, `${show(issuer.kind)} is not Issuer or ClusterIssuer`, 'cert-manager rejects the Certificate', 'use IssuerKind.ISSUER or IssuerKind.CLUSTER_ISSUER');
  }
  for (const field of ['certKey', 'keyKey'] as const) {
    const expected = CERT_MANAGER_KEYS[field];
    if (s[field] !== expected) {
      problems.add(`${p}tls.${field}`, `is ${show(s[field])} while turn.tls.issuer is set`, `cert-manager always writes ${expected}, so the relay would mount a key that does not exist and never start`, `remove turn.tls.${field}`);
    }
  }
}
