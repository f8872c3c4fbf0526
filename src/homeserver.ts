// The Tuwunel homeserver: its props and the construct that renders StatefulSet, ConfigMap, Secret and Service.
import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppserviceRegistration, appserviceTokenEnv } from './appservices';
import { configMapOf, httpServiceOf, opaqueSecretOf } from './component';
import { configHash } from './config-hash';
import { HomeserverBackupProps, backupClaimOf, backupPodParts } from './homeserver-backup';
import { ssoSecretVolumes } from './homeserver-features';
import { HomeserverFeatureSettings } from './homeserver-options';
import { DEFAULT_STARTUP_TIMEOUT, HomeserverResolved, STARTUP_PROBE_PERIOD_SECONDS, checkHomeserver, resolveHomeserver } from './homeserver-settings';
import { ImageProps } from './images';
import { checkedProps } from './known-props';
import { CONFIG_HASH_ANNOTATION } from './names';
import { ComponentProps, PodPlacementProps, apiObjectsOf, commonPodSpec, placementPodSpec } from './pod';
import { resourceRequirements } from './resources';
import { SecretKeyReference } from './secret-key-reference';
import { SECRET_FILE_MODE, containerSecurityContext, podSecurityContext } from './security-context';
import { HomeserverSnapshotProps, snapshotScheduleOf } from './snapshot-schedule';
import { mergeTuwunelExtraConfig, tuwunelStartupCheck } from './startup-guard';
import { TUWUNEL_PATHS, serializeTuwunelConfig, tuwunelConfig } from './tuwunel-config';
import { Problems, reportProblems } from './validation';

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
export interface HomeserverSettings extends PodPlacementProps, HomeserverFeatureSettings {
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

  /**
   * Make the first account that registers a server admin (Tuwunel's own default is true, which hands admin to whoever, or whatever backend, registers first).
   * @default false
   */
  readonly grantAdminToFirstUser?: boolean;

  /**
   * Matrix user IDs on this server (`@alice:<serverName>`) made server admins at every start, through Tuwunel's startup command `users make-user-admin`.
   * @default none
   */
  readonly admins?: string[];

  /**
   * A Secret key holding the shared secret of `/_synapse/admin/v1/register` (Tuwunel `registration_shared_secret_file`), for automation that creates accounts from inside the cluster.
   * @default shared-secret registration disabled
   */
  readonly registrationSharedSecretExistingSecret?: SecretKeyReference;

  /**
   * How long the homeserver may take to start before Kubernetes restarts it: Tuwunel migrates its database in place before it listens, and killing it mid-migration can corrupt the database.
   * @default Duration.hours(6)
   */
  readonly startupTimeout?: Duration;

  /**
   * Further `[global]` keys of tuwunel.toml, deep-merged and written by the same serializer: keys Tuwunel v1.9.0 reads, none the construct manages, no secrets.
   * @default none
   */
  readonly extraConfig?: Record<string, any>;

  /**
   * Online database backups by Tuwunel itself, into a claim of their own, on an interval.
   * @default no backups
   */
  readonly backup?: HomeserverBackupProps;

  /**
   * Scheduled CSI snapshots of the database and backup claims through an installed backube snapscheduler.
   * @default no SnapshotSchedule
   */
  readonly snapshots?: HomeserverSnapshotProps;
}

/** Props of a standalone `Homeserver`. */
export interface HomeserverProps extends HomeserverSettings, ComponentProps {
  /** The Matrix server name: part of every user and room ID, immutable once users exist. */
  readonly serverName: string;

  /**
   * Host clients and federation connect to, advertised in `/.well-known/matrix/client` and `/server` (Matrix delegation).
   * @default serverName
   */
  readonly publicHost?: string;
}

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
  /**
   * The homeserver StatefulSet. Every workload of the stack is an L1 object rather than a kplus
   * one: kplus adds a `cdk8s.io/metadata.addr` label to each pod and its own resource defaults,
   * and the selectors and output must stay exactly the reference chart's.
   */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** ClusterIP Service in front of the homeserver. */
  public readonly service: k8s.KubeService;
  /** The claim the online backups go to, when backups are on and no existing claim is used. */
  public readonly backupClaim?: k8s.KubePersistentVolumeClaim;
  /** The snapscheduler SnapshotSchedule, when snapshots are on. */
  public readonly snapshotSchedule?: ApiObject;

  constructor(scope: Construct, id: string, props: HomeserverProps) {
    super(scope, id);
    props = checkedProps(this, 'HomeserverProps', props);
    const problems = new Problems();
    const settings = resolveHomeserver(props);
    this.name = settings.name;
    this.port = settings.port;
    this.selectorLabels = settings.selectorLabels;
    checkHomeserver(problems, settings, settings.scope.prefix);

    // The escape hatch first, so Tuwunel's own refusals also cover what it adds.
    const global = mergeTuwunelExtraConfig(problems, settings, tuwunelConfig(settings));
    tuwunelStartupCheck(problems, settings, global);
    this.configToml = serializeTuwunelConfig(problems, global, settings.scope.prefix);
    this.configMap = configMapOf(this, settings.configName, settings.labels, TUWUNEL_PATHS.configFile, this.configToml);
    if (settings.inlineToken !== undefined) {
      const token = { [TUWUNEL_PATHS.tokenKey]: settings.inlineToken };
      this.secret = opaqueSecretOf(this, settings.tokenSecretName, settings.labels, token, settings.pruneProtection);
    }
    this.statefulSet = this.createWorkload(problems, settings);
    this.service = httpServiceOf(this, settings, settings.port);
    this.backupClaim = backupClaimOf(this, settings);
    this.snapshotSchedule = snapshotScheduleOf(this, settings);
    reportProblems(this, problems);
  }

  /** The objects this construct generated, for escape hatches (`addJsonPatch`, labels). */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }

  private createWorkload(problems: Problems, s: HomeserverResolved): k8s.KubeStatefulSet {
    const probe = (failureThreshold: number, periodSeconds: number): k8s.Probe => ({
      httpGet: { path: '/_matrix/client/versions', port: k8s.IntOrString.fromString('http') },
      periodSeconds,
      timeoutSeconds: 5,
      failureThreshold,
    });
    const { volumes, mounts, claimTemplates } = storage(s);
    const backup = backupPodParts(s);
    return new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: { name: s.name, labels: s.labels },
      spec: {
        replicas: 1,
        serviceName: s.name,
        selector: { matchLabels: s.selectorLabels },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: {
            labels: { ...s.labels, ...s.selectorLabels },
            annotations: { [CONFIG_HASH_ANNOTATION]: configHash(this.configToml, s.props.registrationToken ?? '') },
          },
          spec: {
            ...commonPodSpec(s.props),
            ...placementPodSpec(s.props),
            securityContext: podSecurityContext(true),
            shareProcessNamespace: backup.shareProcessNamespace,
            containers: [{
              name: 'tuwunel',
              image: s.image,
              env: [{ name: 'TUWUNEL_CONFIG', value: `${TUWUNEL_PATHS.configDir}/${TUWUNEL_PATHS.configFile}` }, ...appserviceTokenEnv(s.appservices)],
              ports: [{ name: 'http', containerPort: s.port, protocol: 'TCP' }],
              volumeMounts: [...mounts, ...backup.mounts],
              // Tuwunel migrates its database in place before it listens: the startup window
              // (startupTimeout) is long, and liveness and readiness only start after it succeeds.
              startupProbe: probe(startupFailureThreshold(s), STARTUP_PROBE_PERIOD_SECONDS),
              readinessProbe: probe(3, 10),
              livenessProbe: probe(6, 20),
              resources: resourceRequirements(problems, `${s.scope.prefix}resources`, s.props.resources, s.resourceDefaults),
              securityContext: containerSecurityContext(),
            }, ...backup.containers],
            volumes: [...volumes, ...backup.volumes],
          },
        },
        volumeClaimTemplates: claimTemplates,
        // Explicit, so a GitOps prune or a scale to 0 of the StatefulSet never deletes the database claim.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
    });
  }

}

/** The config, token and database volumes of the pod, and the claim template when the StatefulSet creates the claim. */
/** Probe failures the startup window allows: `startupTimeout` in whole probe periods. */
function startupFailureThreshold(s: HomeserverResolved): number {
  return Math.ceil((s.startupTimeoutSeconds ?? DEFAULT_STARTUP_TIMEOUT.toSeconds()) / STARTUP_PROBE_PERIOD_SECONDS);
}

function storage(s: HomeserverResolved): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[]; claimTemplates?: k8s.KubePersistentVolumeClaimProps[] } {
  const { configDir, configFile, dataPath, tokenDir, tokenFile, sharedSecretDir, sharedSecretFile } = TUWUNEL_PATHS;
  const volumes: k8s.Volume[] = [
    { name: 'config', configMap: { name: s.configName, items: [{ key: configFile, path: configFile }] } },
  ];
  const mounts: k8s.VolumeMount[] = [
    { name: 'config', mountPath: configDir, readOnly: true },
    { name: 'data', mountPath: dataPath },
  ];
  if (s.tokenSource) {
    volumes.push({ name: 'registration-token', secret: { secretName: s.tokenSource.name, items: [{ key: s.tokenSource.key, path: tokenFile }], defaultMode: SECRET_FILE_MODE } });
    mounts.push({ name: 'registration-token', mountPath: tokenDir, readOnly: true });
  }
  const sso = ssoSecretVolumes(s.features);
  volumes.push(...sso.volumes);
  mounts.push(...sso.mounts);
  if (s.sharedSecretSource) {
    volumes.push({ name: 'registration-shared-secret', secret: { secretName: s.sharedSecretSource.name, items: [{ key: s.sharedSecretSource.key, path: sharedSecretFile }], defaultMode: SECRET_FILE_MODE } });
    mounts.push({ name: 'registration-shared-secret', mountPath: sharedSecretDir, readOnly: true });
  }
  const persistence = s.persistence;
  if (!persistence.enabled) {
    volumes.push({ name: 'data', emptyDir: {} });
  } else if (persistence.existingClaim) {
    volumes.push({ name: 'data', persistentVolumeClaim: { claimName: persistence.existingClaim } });
  }
  const claimTemplates: k8s.KubePersistentVolumeClaimProps[] | undefined = persistence.enabled && !persistence.existingClaim
    ? [{
      metadata: { name: 'data', labels: s.labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: persistence.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(persistence.size) } },
      },
    }]
    : undefined;
  return { volumes, mounts, claimTemplates };
}
