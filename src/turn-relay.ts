import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BASE_NAMES, prefixed, recommendedLabels } from './names';
import { SECRET_FILE_MODE } from './pod';
import { Problems, checkContainerPort, checkSecretReference, isFullyQualifiedDnsName, isObjectName, reportProblems, show } from './validation';

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
   * Certificate for `domain`.
   * @default none; `tls.existingSecret` is required when TURN is enabled
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

  /**
   * Prefix of the prop path used in validation messages.
   * @default 'livekit.turn'
   */
  readonly propPath?: string;
}

/** Public port of the relay: LiveKit always tells clients `turns:<domain>:443` (pkg/service/roommanager.go). */
export const TURNS_PUBLIC_PORT = 443;
const CERT_DIR = '/etc/livekit-turn-tls';
const CERT_FILE = 'tls.crt';
const KEY_FILE = 'tls.key';

/**
 * TURNS on the LiveKit SFU: the `turn` section of LiveKit's config, the certificate volume,
 * the container port and the LoadBalancer port 443 that the `LiveKit` construct wires in.
 */
export class TurnRelay extends Construct {
  /** The TURN host name. */
  public readonly domain: string;
  /** Container port of the TURNS listener. */
  public readonly tlsPort: number;
  /** Name of the Secret holding the certificate. */
  public readonly certificateSecretName: string;
  /** The cert-manager Certificate, when `tls.issuer` is set. */
  public readonly certificate?: ApiObject;

  private readonly certKey: string;
  private readonly keyKey: string;

  constructor(scope: Construct, id: string, props: TurnRelayProps) {
    super(scope, id);
    const path = props.propPath ?? 'livekit.turn';
    this.domain = props.domain ?? '';
    this.tlsPort = props.tlsPort ?? 5349;
    const issuer = props.tls?.issuer;
    this.certificateSecretName = props.tls?.existingSecret ?? (issuer ? prefixed(props.namePrefix, BASE_NAMES.turnCertificate) : '');
    this.certKey = props.tls?.certKey ?? 'tls.crt';
    this.keyKey = props.tls?.keyKey ?? 'tls.key';

    const problems = new Problems();
    if (props.domain === undefined || props.domain === '') {
      problems.add(`${path}.domain`, 'is not set', 'a TURN relay without a reachable host name boots but never accepts a connection, so clients behind symmetric NAT join calls with no media', 'set a dedicated name such as "turn.matrix.example.org" whose DNS points at the livekit-rtc LoadBalancer IP');
    } else if (!isFullyQualifiedDnsName(props.domain)) {
      problems.add(`${path}.domain`, `${show(props.domain)} is not a fully-qualified lowercase DNS name`, 'LiveKit advertises it to clients and the certificate must match it, so relayed calls fail', 'use a host name such as "turn.matrix.example.org"');
    }
    if (issuer && props.tls?.existingSecret !== undefined) {
      problems.add(`${path}.tls.issuer`, 'is set together with turn.tls.existingSecret', 'the relay can mount only one certificate Secret, and a managed Certificate would overwrite yours', 'remove turn.tls.issuer (bring your own Secret) or turn.tls.existingSecret (let cert-manager manage it)');
    }
    if (issuer) {
      if (!isObjectName(issuer.name)) {
        problems.add(`${path}.tls.issuer.name`, `${show(issuer.name)} is not an issuer name`, 'cert-manager finds no issuer, never issues the certificate, and the relay never starts', 'name an existing Issuer or ClusterIssuer');
      }
      if (issuer.kind !== undefined && !Object.values(IssuerKind).includes(issuer.kind)) {
        problems.add(`${path}.tls.issuer.kind`, `${show(issuer.kind)} is not Issuer or ClusterIssuer`, 'cert-manager rejects the Certificate', 'use IssuerKind.ISSUER or IssuerKind.CLUSTER_ISSUER');
      }
      for (const [field, key, expected] of [['certKey', this.certKey, 'tls.crt'], ['keyKey', this.keyKey, 'tls.key']]) {
        if (key !== expected) {
          problems.add(`${path}.tls.${field}`, `is ${show(key)} while turn.tls.issuer is set`, `cert-manager always writes ${expected}, so the relay would mount a key that does not exist and never start`, `remove turn.tls.${field}`);
        }
      }
    } else if (props.tls?.existingSecret === undefined || props.tls.existingSecret === '') {
      problems.add(`${path}.tls.existingSecret`, 'is not set', 'LiveKit terminates TURNS itself and without a certificate the relay never completes a TLS handshake, so NAT-bound clients fail silently', 'create a certificate Secret for turn.domain and name it here, or set turn.tls.issuer to have cert-manager issue one');
    } else {
      checkSecretReference(problems, `${path}.tls.existingSecret`, props.tls.existingSecret, [
        { path: `${path}.tls.certKey`, key: this.certKey },
        { path: `${path}.tls.keyKey`, key: this.keyKey },
      ]);
    }
    checkContainerPort(problems, `${path}.tlsPort`, this.tlsPort);

    if (issuer) {
      const name = prefixed(props.namePrefix, BASE_NAMES.turnCertificate);
      this.certificate = new ApiObject(this, 'certificate', {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name, labels: recommendedLabels('livekit', 'turn-relay', name, props.labels) },
        spec: {
          secretName: this.certificateSecretName,
          dnsNames: [this.domain],
          issuerRef: { name: issuer.name, kind: issuer.kind ?? IssuerKind.CLUSTER_ISSUER, group: 'cert-manager.io' },
          privateKey: { rotationPolicy: 'Always' },
        },
      } as any);
    }
    reportProblems(this, problems);
  }

  /** The `turn` section of LiveKit's config.yaml (keys LiveKit really reads). */
  public get configSection(): Record<string, unknown> {
    return {
      enabled: true,
      domain: this.domain,
      tls_port: this.tlsPort,
      cert_file: `${CERT_DIR}/${CERT_FILE}`,
      key_file: `${CERT_DIR}/${KEY_FILE}`,
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
