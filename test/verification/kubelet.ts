/**
 * A model of the kubelet (issue 18): which process identity each container runs with, which
 * owner, group and mode every file it mounts from a Secret, ConfigMap, projected or downwardAPI
 * volume gets, and whether the process can read it (or write a directory volume).
 *
 * Kubelet behaviour modelled (kubernetes/kubernetes):
 * - Secret/ConfigMap/projected/downwardAPI files are written by the kubelet (uid 0) with the item's
 *   `mode`, else the volume's `defaultMode`, else 0644 (pkg/volume/util/atomic_writer.go,
 *   pkg/volume/secret/secret.go MakePayload; API default `defaultMode: 420`).
 * - With a pod `fsGroup`, SetVolumeOwnership (pkg/volume/volume_linux.go changeFilePermission)
 *   chowns every file to gid fsGroup and ORs the mode with 0440 for these read-only volumes
 *   (roMask; 0660 rwMask for writable ones, plus setgid and group x on directories). Without
 *   fsGroup the files stay 0:0. This is why the API docs say defaultMode "might be in conflict
 *   with ... fsGroup, and the result can be other mode bits set".
 * - The process runs as the container's runAsUser/runAsGroup, else the pod's, else the image's
 *   user (all three images define no USER: uid 0, gid 0); its supplementary groups are the pod's
 *   fsGroup and supplementalGroups (pkg/kubelet/kuberuntime/security_context.go
 *   determineEffectiveSecurityContext). fsGroup and supplementalGroups exist only at pod level.
 * - emptyDir directories are created 0777 (pkg/volume/emptydir/empty_dir.go defaultPerm); a fresh
 *   PersistentVolume's root is modelled as 0:0 0755 (what ext4/xfs provisioners create), which
 *   SetVolumeOwnership turns into gid fsGroup, mode 0775 + setgid when the pod has an fsGroup (for
 *   drivers that support ownership management; NFS-like drivers do not, and are not modelled).
 * - Not modelled: serviceAccountToken projections (their owner follows runAsUser), subPathExpr,
 *   user namespaces, SELinux, and directory traversal bits (the kubelet's directories are 0755+).
 */
/* eslint-disable no-bitwise -- file modes and permission classes are bit masks */
import type { Invariant } from './invariants';
import { PodTemplate, podTemplates, ref } from './k8s';
import { K8sObject } from '../util';

/** The uid, primary gid and all groups a container's process runs with. */
export interface ProcessIdentity {
  readonly uid: number;
  readonly gid: number;
  /** Primary gid, fsGroup and supplementalGroups. */
  readonly groups: readonly number[];
  /** Whether the process keeps CAP_DAC_OVERRIDE (uid 0 without `capabilities.drop: [ALL]`). */
  readonly dacOverride: boolean;
}

/** Owner, group and permission bits of a file or directory as the process sees it. */
export interface Ownership {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/** A file a Secret, ConfigMap, projected or downwardAPI volume projects. */
export interface VolumeFile extends Ownership {
  /** Path inside the volume (`items[].path`, or the key). */
  readonly path: string;
  /** `Secret/name key k`, for messages. */
  readonly source: string;
  /** The object and key holding the content, when the object is part of the output. */
  readonly object?: K8sObject;
  readonly key?: string;
  /** The source is `optional: true`: the kubelet starts the pod without it when it is absent. */
  readonly optional: boolean;
  /** The object is not in the output (a user-declared Secret): its keys are unknown, any path may exist. */
  readonly anyKey?: boolean;
}

/** The identity images run as when nothing overrides it: no USER in any of the three images. */
export const IMAGE_USER = { uid: 0, gid: 0 } as const;

/** The effective identity of a container's process. */
export function processIdentity(pod: PodTemplate, container: any): ProcessIdentity {
  const podSc = pod.spec.securityContext ?? {};
  const sc = container.securityContext ?? {};
  const uid = num(sc.runAsUser) ?? num(podSc.runAsUser) ?? IMAGE_USER.uid;
  const gid = num(sc.runAsGroup) ?? num(podSc.runAsGroup) ?? IMAGE_USER.gid;
  const fsGroup = num(podSc.fsGroup);
  const supplemental = (podSc.supplementalGroups ?? []).filter((g: unknown) => num(g) !== undefined);
  const groups = [gid, ...(fsGroup !== undefined ? [fsGroup] : []), ...supplemental];
  const dropped: string[] = sc.capabilities?.drop ?? [];
  const dacOverride = uid === 0 && !dropped.includes('ALL') && !dropped.includes('DAC_OVERRIDE');
  return { uid, gid, groups, dacOverride };
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Whether the process may access an inode: `want` is a mask of 4 (read), 2 (write), 1 (execute/search). */
export function canAccess(id: ProcessIdentity, owner: Ownership, want: number): boolean {
  if (id.dacOverride) return true;
  // Linux picks exactly one class: owner, else group, else other (no fallback to a wider class).
  const bits = id.uid === owner.uid ? (owner.mode >> 6) & 7 : id.groups.includes(owner.gid) ? (owner.mode >> 3) & 7 : owner.mode & 7;
  return (bits & want) === want;
}

/** Whether "other" has any permission bit (LiveKit refuses such key files). */
export function otherHasBits(o: Ownership): boolean {
  return (o.mode & 0o007) !== 0;
}

/** `0:10001 0440`, for messages. */
export function describeOwnership(o: Ownership): string {
  return `${o.uid}:${o.gid} mode 0${(o.mode & 0o7777).toString(8).padStart(3, '0')}`;
}

export function describeIdentity(id: ProcessIdentity): string {
  return `uid ${id.uid} gid ${id.gid} groups [${[...new Set(id.groups)].join(', ')}]`;
}

/** The pod's fsGroup, if any. */
function fsGroupOf(pod: PodTemplate): number | undefined {
  return num(pod.spec.securityContext?.fsGroup);
}

/** A projected file's ownership after the kubelet's fsGroup pass (volume_linux.go roMask). */
function projectedOwnership(pod: PodTemplate, mode: number): Ownership {
  const fsGroup = fsGroupOf(pod);
  return fsGroup === undefined ? { uid: 0, gid: 0, mode } : { uid: 0, gid: fsGroup, mode: mode | 0o440 };
}

/** The Secret or ConfigMap named, from the output; a cert-manager Certificate's Secret counts (tls.crt, tls.key, ca.crt). */
function findObject(objects: K8sObject[], kind: 'Secret' | 'ConfigMap', name: string): K8sObject | undefined {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (found || kind !== 'Secret') return found;
  const cert = objects.find((o) => o.kind === 'Certificate' && o.spec?.secretName === name);
  return cert ? { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { 'tls.crt': '', 'tls.key': '', 'ca.crt': '' } } : undefined;
}

function keysOf(object: K8sObject): string[] {
  return [...new Set([...Object.keys(object.data ?? {}), ...Object.keys(object.stringData ?? {}), ...Object.keys(object.binaryData ?? {})])];
}

/** Files of one Secret or ConfigMap source, with `items` and modes applied. */
function sourceFiles(pod: PodTemplate, objects: K8sObject[], kind: 'Secret' | 'ConfigMap', name: string, items: any[] | undefined, defaultMode: number, optional: boolean): VolumeFile[] {
  const object = findObject(objects, kind, name);
  const file = (path: string, key: string | undefined, mode: number, anyKey = false): VolumeFile => ({
    path, key, object, optional, anyKey, source: `${kind}/${name}${key ? ` key ${key}` : ''}`, ...projectedOwnership(pod, mode),
  });
  if (Array.isArray(items)) return items.map((i) => file(String(i.path), String(i.key), num(i.mode) ?? defaultMode));
  if (!object) return [file('*', undefined, defaultMode, true)];
  return keysOf(object).map((key) => file(key, key, defaultMode));
}

/** Every file a volume projects, or undefined when the volume is not of a file-projecting kind. */
export function volumeFiles(pod: PodTemplate, volume: any, objects: K8sObject[]): VolumeFile[] | undefined {
  const mode = (m: unknown) => num(m) ?? 0o644;
  if (volume?.secret) {
    return sourceFiles(pod, objects, 'Secret', volume.secret.secretName, volume.secret.items, mode(volume.secret.defaultMode), volume.secret.optional === true);
  }
  if (volume?.configMap) {
    return sourceFiles(pod, objects, 'ConfigMap', volume.configMap.name, volume.configMap.items, mode(volume.configMap.defaultMode), volume.configMap.optional === true);
  }
  if (volume?.downwardAPI) {
    const defaultMode = mode(volume.downwardAPI.defaultMode);
    return (volume.downwardAPI.items ?? []).map((i: any) => ({ path: String(i.path), source: 'downwardAPI', optional: false, ...projectedOwnership(pod, num(i.mode) ?? defaultMode) }));
  }
  if (volume?.projected) {
    const defaultMode = mode(volume.projected.defaultMode);
    return (volume.projected.sources ?? []).flatMap((s: any): VolumeFile[] => {
      if (s.secret) return sourceFiles(pod, objects, 'Secret', s.secret.name, s.secret.items, defaultMode, s.secret.optional === true);
      if (s.configMap) return sourceFiles(pod, objects, 'ConfigMap', s.configMap.name, s.configMap.items, defaultMode, s.configMap.optional === true);
      if (s.downwardAPI) return (s.downwardAPI.items ?? []).map((i: any) => ({ path: String(i.path), source: 'downwardAPI', optional: false, ...projectedOwnership(pod, num(i.mode) ?? defaultMode) }));
      // A bound token written like the other projected files (pkg/volume/projected: the projection's
      // defaultMode, gid fsGroup when set).
      if (s.serviceAccountToken) return [{ path: String(s.serviceAccountToken.path), source: 'serviceAccountToken', optional: false, ...projectedOwnership(pod, defaultMode) }];
      return [];
    });
  }
  return undefined;
}

/** A directory volume's root as the process sees it, or undefined when the volume is not an emptyDir or a claim. */
export function directoryVolume(pod: PodTemplate, volumeName: string): (Ownership & { kind: string }) | undefined {
  const volume = (pod.spec.volumes ?? []).find((v: any) => v.name === volumeName);
  const fsGroup = fsGroupOf(pod);
  if (volume?.emptyDir) return { kind: 'emptyDir', uid: 0, gid: fsGroup ?? 0, mode: fsGroup === undefined ? 0o777 : 0o2777 };
  if (volume?.persistentVolumeClaim || volume?.ephemeral || (!volume && pod.claimTemplates.includes(volumeName))) {
    return { kind: 'PersistentVolumeClaim', uid: 0, gid: fsGroup ?? 0, mode: fsGroup === undefined ? 0o755 : 0o2775 };
  }
  return undefined;
}

/** Where a path inside a container leads. */
export type Resolved =
  | { kind: 'unmounted' }
  | { kind: 'file'; mount: any; file: VolumeFile }
  | { kind: 'missing'; mount: any; reason: string }
  | { kind: 'projected-directory'; mount: any }
  | { kind: 'directory'; mount: any; dir: Ownership & { kind: string } }
  | { kind: 'unmodelled'; mount: any; reason: string };

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** The container's mount that holds a path: the one with the longest mountPath covering it. */
export function mountFor(container: any, path: string): any {
  const covering = (container.volumeMounts ?? []).filter((m: any) => {
    const mp = trimSlash(String(m.mountPath));
    return path === mp || path.startsWith(mp === '/' ? '/' : `${mp}/`);
  });
  return covering.sort((a: any, b: any) => trimSlash(b.mountPath).length - trimSlash(a.mountPath).length)[0];
}

/** Resolves a path in a container through its volume mounts, as the kubelet lays them out. */
export function resolvePath(pod: PodTemplate, container: any, path: string, objects: K8sObject[]): Resolved {
  const mount = mountFor(container, trimSlash(path));
  if (!mount) return { kind: 'unmounted' };
  if (mount.subPathExpr !== undefined) return { kind: 'unmodelled', mount, reason: 'subPathExpr is not modelled' };
  const relative = trimSlash(path).slice(trimSlash(mount.mountPath).length).replace(/^\//, '');
  const inVolume = [mount.subPath ?? '', relative].filter((p) => p !== '').join('/');
  const volume = (pod.spec.volumes ?? []).find((v: any) => v.name === mount.name);
  const dir = directoryVolume(pod, mount.name);
  if (dir) return { kind: 'directory', mount, dir };
  const files = volumeFiles(pod, volume, objects);
  if (!files) return { kind: 'unmodelled', mount, reason: volume ? `volume ${mount.name} is of a kind the model does not cover` : `volume ${mount.name} does not exist` };
  if (inVolume === '') return { kind: 'projected-directory', mount };
  const exact = files.find((f) => f.path === inVolume) ?? files.find((f) => f.anyKey);
  if (exact) return { kind: 'file', mount, file: exact.anyKey ? { ...exact, path: inVolume } : exact };
  if (files.some((f) => f.path.startsWith(`${inVolume}/`))) return { kind: 'projected-directory', mount };
  const held = files.map((f) => f.path).join(', ') || 'nothing';
  return { kind: 'missing', mount, reason: `volume ${mount.name} projects no file ${inVolume} (it holds ${held})` };
}

/** The text of a projected file, when its object is in the output. */
export function fileContent(file: VolumeFile): string | undefined {
  const { object, key } = file;
  if (!object || key === undefined) return undefined;
  if (typeof object.stringData?.[key] === 'string') return object.stringData[key];
  if (object.kind === 'ConfigMap' && typeof object.data?.[key] === 'string') return object.data[key];
  if (typeof object.data?.[key] === 'string') return Buffer.from(object.data[key], 'base64').toString('utf8');
  return undefined;
}

/** `Deployment/x container y`, for messages. */
export function where(pod: PodTemplate, container: any): string {
  return `${ref(pod.owner)} container ${container.name}`;
}

/** Every container of a pod, init containers included. */
export function allContainers(pod: PodTemplate): any[] {
  return [...pod.initContainers, ...pod.containers];
}

/**
 * Invariant: every file a container mounts from a Secret, ConfigMap, projected or downwardAPI
 * volume is readable by the container's process (files a deeper mount hides are skipped).
 */
export const mountedFilesReadable: Invariant = (objects) => {
  const messages: string[] = [];
  for (const pod of podTemplates(objects)) {
    for (const container of allContainers(pod)) {
      const id = processIdentity(pod, container);
      for (const mount of container.volumeMounts ?? []) {
        const volume = (pod.spec.volumes ?? []).find((v: any) => v.name === mount.name);
        for (const file of volumeFiles(pod, volume, objects) ?? []) {
          const mountPath = trimSlash(String(mount.mountPath));
          let path: string | undefined;
          if (mount.subPath === undefined || mount.subPath === '') path = `${mountPath}/${file.path}`;
          else if (file.path === mount.subPath || file.anyKey) path = mountPath;
          else if (file.path.startsWith(`${mount.subPath}/`)) path = `${mountPath}/${file.path.slice(mount.subPath.length + 1)}`;
          if (path === undefined || mountFor(container, path) !== mount) continue;
          if (!canAccess(id, file, 4)) {
            const fix = fsGroupOf(pod) === undefined ? `set the pod's fsGroup to ${id.gid === 0 ? 'the process group' : id.gid} (the kubelet then owns the file by that group and adds group read)` : 'give the file a mode the process can read';
            messages.push(`${where(pod, container)}: ${path} (${file.source}) is ${describeOwnership(file)}, which the process (${describeIdentity(id)}) cannot read; ${fix}`);
          }
        }
      }
    }
  }
  return messages;
};

/** The identity a platform imposes on every pod (e.g. OpenShift's restricted-v2 SCC). */
export interface ImposedIdentity {
  readonly runAsUser: number;
  /** A number replaces runAsGroup, `null` removes it (the process then runs with the image's gid 0), undefined keeps it. */
  readonly runAsGroup?: number | null;
  /** A number replaces (or adds) the pod's fsGroup, `null` removes it, undefined keeps it. */
  readonly fsGroup?: number | null;
}

/** A copy of the objects with every pod template's identity replaced, at pod and container level. */
export function withIdentity(objects: K8sObject[], identity: ImposedIdentity): K8sObject[] {
  const copy = JSON.parse(JSON.stringify(objects)) as K8sObject[];
  const apply = (sc: any, field: string, value: number | null | undefined) => {
    if (value === null) delete sc[field];
    else if (value !== undefined) sc[field] = value;
  };
  for (const pod of podTemplates(copy)) {
    pod.spec.securityContext = pod.spec.securityContext ?? {};
    apply(pod.spec.securityContext, 'runAsUser', identity.runAsUser);
    apply(pod.spec.securityContext, 'runAsGroup', identity.runAsGroup);
    apply(pod.spec.securityContext, 'fsGroup', identity.fsGroup);
    for (const container of allContainers(pod)) {
      if (!container.securityContext) continue;
      apply(container.securityContext, 'runAsUser', identity.runAsUser);
      apply(container.securityContext, 'runAsGroup', identity.runAsGroup);
    }
  }
  return copy;
}
