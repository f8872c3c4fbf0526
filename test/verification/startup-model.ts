/**
 * The start-up model of each program we deploy (issue 18), beside the config-key allow-lists:
 * the files each one reads and the directories it writes when it starts, derived from the
 * synthesized config, and what a missing or unreadable one does. Read from the programs' source
 * at the pinned versions: Tuwunel v1.9.0 (matrix-construct/tuwunel), LiveKit v1.13.5
 * (livekit/livekit), lk-jwt-service (element-hq/lk-jwt-service; pinned 0.5.0, and v0.5.0 and main
 * of July 2026 read the same files), Element Web v1.12.27 (element-hq/element-web).
 */
import { parse as parseYaml } from 'yaml';
import { tuwunelEnvKey } from './allow-lists';
import type { Invariant } from './invariants';
import { PodTemplate, commandLine, podTemplates } from './k8s';
import {
  ProcessIdentity, Resolved, allContainers, canAccess, describeIdentity, otherHasBits, describeOwnership, fileContent, mountFor,
  processIdentity, resolvePath, where,
} from './kubelet';
import { K8sObject } from '../util';

// smol-toml's types declare only its ES module build; its CommonJS build is what jest loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml } = require('smol-toml') as { parse(text: string): Record<string, unknown> };

/** A path a program needs at start. */
export interface PathNeed {
  readonly path: string;
  /** Where the path comes from (`tuwunel.toml global.database_path`, `env TUWUNEL_CONFIG`, …). */
  readonly source: string;
  /** A directory rather than a file. */
  readonly directory?: boolean;
  /** The program refuses the file when "other" has any permission bit. */
  readonly noOtherBits?: boolean;
  /** What the program does when the path is missing, unreadable or unwritable, with the source that says so. */
  readonly consequence: string;
}

/** What one container's program needs at start, derived from its args, env and mounted config. */
export interface StartupNeeds {
  readonly reads: PathNeed[];
  readonly writes: PathNeed[];
  /** Files the image itself provides: no mount may hide them. */
  readonly imageFiles: PathNeed[];
  /** Inputs the model cannot evaluate (each is a failure: make the input explicit or extend the model). */
  readonly problems: string[];
}

/** How a program's needs are derived from its container. */
export interface ContainerView {
  /** Names of every env var set. */
  readonly envNames: string[];
  /** Command and args, in order. */
  readonly args: string[];
  /** The script of `sh -c SCRIPT`, when the container runs one. */
  readonly script?: string;
  /** A literal env value; `valueFrom` values are reported as problems by `envPath`. */
  env(name: string): string | undefined;
  /** Whether the env var is set at all (literal or valueFrom). */
  hasEnv(name: string): boolean;
  /** The text of a file the container sees, when it comes from an object of the output. */
  read(path: string): string | undefined;
}

export interface ProgramModel {
  /** Program name, for messages. */
  readonly program: string;
  /** The image repository's last path segment that identifies it. */
  readonly repository: string;
  /**
   * The names the library gives the containers that run it: the program of a container whose
   * image a user mirrored under another repository name (`image.repository`).
   */
  readonly containers: readonly string[];
  /** The version the model was read at. */
  readonly version: string;
  needs(view: ContainerView): StartupNeeds;
}

/** Value of `--flag value`, `--flag=value` or `-f value` among args. */
function flagValues(args: string[], names: string[]): string[] {
  const values: string[] = [];
  args.forEach((arg, i) => {
    for (const name of names) {
      if (arg === name && typeof args[i + 1] === 'string') values.push(args[i + 1]);
      else if (arg.startsWith(`${name}=`)) values.push(arg.slice(name.length + 1));
    }
  });
  return values;
}

const TUWUNEL_EXIT = 'Server::new returns the error and main exits 1 (src/main/server.rs:47-56, src/main/main.rs main)';

/**
 * Tuwunel v1.9.0. Reads its TOML config files, then (config.check) the registration token file;
 * opens RocksDB under database_path and creates database_path/media (and database_path/tmp for
 * video thumbnails) there. "This is the only directory where tuwunel will save its data,
 * including media" (src/core/config/mod.rs:115-121). Nothing is written to /tmp or the working
 * directory: video staging sits beside the database (src/service/media/video.rs:200-207), and the
 * config regeneration commands write only when asked (--regenerate-config, src/main/config.rs:24-27).
 */
export const TUWUNEL_MODEL: ProgramModel = {
  program: 'tuwunel',
  repository: 'tuwunel',
  containers: ['tuwunel'],
  version: 'v1.9.0',
  needs(view) {
    const reads: PathNeed[] = [];
    const writes: PathNeed[] = [];
    const problems: string[] = [];
    // Config paths: CONDUIT_CONFIG, CONDUWUIT_CONFIG, TUWUNEL_CONFIG, then -c/--config (src/core/config/mod.rs:5036-5049, src/main/args.rs:31-33).
    const configs: Array<{ path: string; source: string }> = [
      ...['CONDUIT_CONFIG', 'CONDUWUIT_CONFIG', 'TUWUNEL_CONFIG'].flatMap((name) => envPath(view, name, problems).map((path) => ({ path, source: `env ${name}` }))),
      ...flagValues(view.args, ['-c', '--config']).map((path) => ({ path, source: 'argument --config' })),
    ];
    const global: Record<string, unknown> = {};
    for (const config of configs) {
      reads.push({
        ...config,
        consequence: `a missing file fails load_files ("The following config files do not exist or have broken symlinks", src/core/config/mod.rs:5052-5070), an unreadable one fails figment's Toml::file read; ${TUWUNEL_EXIT}`,
      });
      const text = view.read(config.path);
      if (text === undefined) continue;
      try {
        const parsed: any = parseToml(text);
        Object.assign(global, parsed.global ?? parsed);
      } catch { problems.push(`${config.source} = ${JSON.stringify(config.path)} does not parse as TOML`); }
    }
    // Env overrides beat the file: CONDUIT_, CONDUWUIT_ then TUWUNEL_ (ENV_PREFIXES, merge_environment, src/core/config/mod.rs:65, 5108-5114).
    const key = (name: string): unknown => {
      const envName = [...view.envNames].reverse().find((n) => ['CONDUIT_', 'CONDUWUIT_', 'TUWUNEL_'].some((p) => n.toUpperCase().startsWith(p)
        && tuwunelEnvKey(`TUWUNEL_${n.slice(p.length)}`) === name));
      return envName !== undefined ? envPath(view, envName, problems)[0] : global[name];
    };
    const databasePath = key('database_path');
    // default "/var/lib/tuwunel" (src/core/config/mod.rs:120-121, 5173).
    writes.push({
      path: typeof databasePath === 'string' ? databasePath : '/var/lib/tuwunel',
      source: typeof databasePath === 'string' ? 'global.database_path' : 'global.database_path (default)',
      directory: true,
      consequence: `RocksDB opens it with create_if_missing (src/database/engine/db_opts.rs:69-70, src/database/engine/open.rs:24-61) and the default media provider creates ${'<database_path>'}/media (src/service/storage/mod.rs:52-66, provider/local.rs:24-31); on a read-only or unwritable directory the open fails and ${TUWUNEL_EXIT}`,
    });
    const tokenFile = key('registration_token_file');
    if (typeof tokenFile === 'string') {
      reads.push({
        path: tokenFile,
        source: 'global.registration_token_file',
        consequence: `config.check fails with "Registration token file was specified but is empty or failed to be read" (src/core/config/check.rs:296-314); ${TUWUNEL_EXIT}`,
      });
    }
    const appserviceDir = key('appservice_dir');
    if (typeof appserviceDir === 'string') {
      reads.push({
        path: appserviceDir,
        source: 'global.appservice_dir',
        directory: true,
        consequence: 'the appservice service fails "Failed to read <appservice_dir>" (src/service/appservice/mod.rs:84-87) while services start, and the server does not come up',
      });
    }
    const backupPath = key('database_backup_path');
    if (typeof backupPath === 'string') {
      writes.push({
        path: backupPath,
        source: 'global.database_backup_path',
        directory: true,
        consequence: 'RocksDB\'s BackupEngine::open fails on each SIGUSR2 (src/database/engine/backup.rs backup_engine), so "server backup-database" logs an error and no backup is ever written while the server keeps running',
      });
    }
    const videoStaging = key('media_video_thumbnail_path');
    if (typeof videoStaging === 'string') {
      writes.push({ path: videoStaging, source: 'global.media_video_thumbnail_path', directory: true, consequence: 'video thumbnails cannot be staged (src/service/media/video.rs:200-207, 234-245), so videos get no thumbnail' });
    }
    return { reads, writes, imageFiles: [], problems };
  },
};

const LIVEKIT_EXIT = 'startServer returns the error, main prints it and returns: the process exits with status 0 (cmd/server/main.go:190-192, 246-262)';

/**
 * LiveKit v1.13.5. Reads its --config file, the key file when set (ValidateKeys), TURN secret
 * files (LoadTURNSecrets) and the TURNS certificate and key (NewTurnServer). It writes nothing at
 * start: the only os.Create calls are the --cpuprofile/--memprofile outputs (cmd/server/main.go:266-290).
 */
export const LIVEKIT_MODEL: ProgramModel = {
  program: 'livekit',
  repository: 'livekit-server',
  containers: ['livekit'],
  version: 'v1.13.5',
  needs(view) {
    const reads: PathNeed[] = [];
    const writes: PathNeed[] = [];
    const problems: string[] = [];
    let config: any = {};
    const body = view.hasEnv('LIVEKIT_CONFIG') ? view.env('LIVEKIT_CONFIG') : undefined;
    const [configFile] = flagValues(view.args, ['--config']);
    // LIVEKIT_CONFIG (the YAML text, flag config-body) wins over --config (getConfigString, cmd/server/main.go:323-333).
    if (view.hasEnv('LIVEKIT_CONFIG') && body === undefined) {
      problems.push('env LIVEKIT_CONFIG takes the config text from valueFrom, which the start-up model cannot follow');
    } else if (body !== undefined) {
      try { config = parseYaml(body) ?? {}; } catch { problems.push('env LIVEKIT_CONFIG does not parse as YAML'); }
    } else if (configFile !== undefined) {
      reads.push({ path: configFile, source: 'argument --config', consequence: `getConfigString's os.ReadFile fails (cmd/server/main.go:323-333); ${LIVEKIT_EXIT}` });
      const text = view.read(configFile);
      if (text !== undefined) {
        try { config = parseYaml(text) ?? {}; } catch { problems.push(`--config ${configFile} does not parse as YAML`); }
      }
    }
    // --key-file beats key_file (pkg/config/config.go:913-915); ValidateKeys stats it, refuses any "other" bit, then decodes it (pkg/config/config.go:695-712).
    const keyFile = flagValues(view.args, ['--key-file'])[0] ?? (typeof config.key_file === 'string' && config.key_file !== '' ? config.key_file : undefined);
    if (keyFile !== undefined) {
      reads.push({ path: keyFile, source: 'key_file', noOtherBits: true, consequence: `ValidateKeys returns the stat/open error or "key file others permissions must be set to 0" (pkg/config/config.go:52, 695-712); ${LIVEKIT_EXIT}` });
    }
    for (const [i, server] of (Array.isArray(config.rtc?.turn_servers) ? config.rtc.turn_servers : []).entries()) {
      if (typeof server?.secret_file === 'string' && server.secret_file !== '' && !server.secret) {
        reads.push({ path: server.secret_file, source: `rtc.turn_servers[${i}].secret_file`, noOtherBits: true, consequence: `LoadTURNSecrets returns the error or "turn secret file others permissions must be set to 0" (pkg/config/config.go:53, 732-755); ${LIVEKIT_EXIT}` });
      }
    }
    // TURNS: with turn.enabled, tls_port > 0 and no external_tls, NewTurnServer loads the pair (pkg/service/turn.go:49-60, 133-143);
    // LIVEKIT_TURN_CERT / LIVEKIT_TURN_KEY (--turn-cert/--turn-key) override the file (pkg/config/config.go:931-935).
    const turn = config.turn ?? {};
    if (turn.enabled === true && Number(turn.tls_port) > 0 && turn.external_tls !== true) {
      const pair: Array<[string, string, string]> = [['cert_file', 'LIVEKIT_TURN_CERT', '--turn-cert'], ['key_file', 'LIVEKIT_TURN_KEY', '--turn-key']];
      for (const [field, envName, flag] of pair) {
        const fromFlag = flagValues(view.args, [flag])[0];
        const fromEnv = view.hasEnv(envName) ? envPath(view, envName, problems)[0] : undefined;
        const path = fromFlag ?? fromEnv ?? turn[field];
        const consequence = `LoadX509KeyPair fails, NewTurnServer returns "TURN tls cert required" (pkg/service/turn.go:141-144, via wire_gen.go:346); ${LIVEKIT_EXIT}`;
        if (typeof path !== 'string' || path === '') problems.push(`TURNS is on (turn.tls_port ${turn.tls_port}) but turn.${field} is unset: ${consequence}`);
        else reads.push({ path, source: fromFlag ? `argument ${flag}` : fromEnv ? `env ${envName}` : `turn.${field}`, consequence });
      }
    }
    // --node-ip "$(cat FILE)": the shell reads the address the rtc-address init container wrote
    // (NodeAddressSource.LOAD_BALANCER); without the file the SFU starts with an empty address.
    const nodeIp = flagValues(view.args, ['--node-ip'])[0];
    if (nodeIp === '$(cat') {
      const file = view.args[view.args.indexOf('--node-ip') + 2];
      if (typeof file !== 'string' || !file.startsWith('/')) problems.push('--node-ip reads an address file whose path the model cannot find');
      else reads.push({ path: file.replace(/\/[^/]*$/, ''), source: 'argument --node-ip "$(cat …)"', directory: true, consequence: 'cat fails, LiveKit gets an empty --node-ip and advertises no reachable address: calls connect with no media' });
    }
    for (const [flag, what] of [['--cpuprofile', 'CPU profile'], ['--memprofile', 'memory profile']]) {
      for (const path of flagValues(view.args, [flag])) {
        writes.push({ path: path.replace(/\/[^/]*$/, '') || '/', source: `argument ${flag}`, directory: true, consequence: `os.Create of the ${what} fails (cmd/server/main.go:266-290); ${LIVEKIT_EXIT}` });
      }
    }
    return { reads, writes, imageFiles: [], problems };
  },
};

const LK_JWT_EXIT = 'log.Fatal: the process exits 1 (config.go readKeySecret)';

/**
 * lk-jwt-service (Go; main.go and config.go at main, main.go at v0.5.0). Configured by env only;
 * reads a file only for LIVEKIT_KEY_FILE or LIVEKIT_KEY_FROM_FILE / LIVEKIT_SECRET_FROM_FILE
 * (config.go:44-88), writes nothing (no os.Create/WriteFile/MkdirAll in the program). The scratch
 * image brings /etc/ssl/certs/ca-certificates.crt (TLS to LiveKit and homeservers) and
 * /etc/nsswitch.conf (hostAliases resolution for Go's netgo resolver) (Dockerfile).
 */
export const LK_JWT_MODEL: ProgramModel = {
  program: 'lk-jwt-service',
  repository: 'lk-jwt-service',
  containers: ['lk-jwt-service'],
  version: '0.5.0 by tag and digest sha256:29918567… (source read at v0.5.0 and main)',
  needs(view) {
    const reads: PathNeed[] = [];
    const problems: string[] = [];
    // LIVEKIT_KEY_FILE ("key:secret") wins; otherwise each of the two *_FROM_FILE paths (config.go:51-84).
    const keyFile = view.hasEnv('LIVEKIT_KEY_FILE') ? envPath(view, 'LIVEKIT_KEY_FILE', problems) : [];
    if (keyFile.length > 0) {
      reads.push({ path: keyFile[0], source: 'env LIVEKIT_KEY_FILE', consequence: `os.ReadFile fails; ${LK_JWT_EXIT}` });
    } else {
      for (const name of ['LIVEKIT_KEY_FROM_FILE', 'LIVEKIT_SECRET_FROM_FILE']) {
        for (const path of view.hasEnv(name) ? envPath(view, name, problems) : []) reads.push({ path, source: `env ${name}`, consequence: `os.ReadFile fails; ${LK_JWT_EXIT}` });
      }
    }
    const imageFiles: PathNeed[] = [
      { path: '/etc/ssl/certs/ca-certificates.crt', source: 'image (Dockerfile COPY)', consequence: 'Go finds no root CAs: every TLS call to LiveKit and to homeservers fails' },
      { path: '/etc/nsswitch.conf', source: 'image (Dockerfile COPY)', consequence: "Go's netgo resolver no longer consults /etc/hosts first, so hostAliases stop working" },
    ];
    return { reads, writes: [], imageFiles, problems };
  },
};

/**
 * kubectl in the rtc-address init container (NodeAddressSource.LOAD_BALANCER). Its in-cluster
 * configuration reads the projected token, CA bundle and namespace (client-go rest.InClusterConfig:
 * /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt}; kubectl's namespace from the same
 * folder); it writes its discovery cache under $HOME/.kube, and the script writes the address
 * file into the folder it names in `out=`.
 */
export const KUBECTL_MODEL: ProgramModel = {
  program: 'kubectl (rtc-address)',
  repository: 'kubectl',
  containers: ['rtc-address'],
  version: 'cgr.dev/chainguard/kubectl latest-dev (pinned digest)',
  needs(view) {
    const problems: string[] = [];
    const tokenDir = '/var/run/secrets/kubernetes.io/serviceaccount';
    const consequence = 'kubectl has no in-cluster credentials, every lookup fails and the init container times out: the SFU never starts';
    const reads: PathNeed[] = ['token', 'ca.crt', 'namespace'].map((f) => ({ path: `${tokenDir}/${f}`, source: 'in-cluster config', consequence }));
    const writes: PathNeed[] = [];
    const home = view.env('HOME');
    if (home === undefined) problems.push('HOME is not set: kubectl would write its cache under the image\'s home on a read-only root filesystem');
    else writes.push({ path: home, source: 'env HOME (kubectl cache)', directory: true, consequence: 'kubectl cannot write its discovery cache' });
    const script = view.script ?? '';
    const out = /^out="([^"]+)"$/m.exec(script)?.[1];
    if (out === undefined) problems.push('the init container script names no address file (out="…")');
    else writes.push({ path: out.replace(/\/[^/]*$/, ''), source: 'script out=', directory: true, consequence: 'the address cannot be written: the init container fails and the SFU never starts' });
    return { reads, writes, imageFiles: [], problems };
  },
};

const NGINX_EXIT = 'the entrypoint script or nginx fails and the container exits (docker-entrypoint.sh runs under set -e; nginx refuses to start without its temp and pid paths)';

/**
 * Element Web (nginxinc/nginx-unprivileged:alpine-slim base, element-hq/element-web apps/web/Dockerfile).
 * At start the nginx image's entrypoint renders /etc/nginx/templates/*.template into /etc/nginx/conf.d
 * (20-envsubst-on-templates.sh); Element's 18-load-element-modules.sh copies /app/config*.json to
 * /tmp/element-web-config (served as /config.json by default.conf.template); nginx-unprivileged keeps
 * its pid and client/proxy temp files in /tmp; releases before v1.11.97 (nginx:alpine-slim) use
 * /var/cache/nginx. The static client under /app and the templates ship in the image.
 */
export const ELEMENT_WEB_MODEL: ProgramModel = {
  program: 'element-web (nginx)',
  repository: 'element-web',
  containers: ['element-web'],
  version: 'v1.12.27 (docker/ and apps/web/docker/ of element-hq/element-web)',
  needs(view) {
    const problems: string[] = [];
    if (view.env('ELEMENT_WEB_PORT') === undefined || Number(view.env('ELEMENT_WEB_PORT')) < 1024) {
      problems.push('env ELEMENT_WEB_PORT is unset or below 1024: the template listens on it (default 80), which a non-root nginx cannot bind');
    }
    const reads: PathNeed[] = [
      { path: '/app/config.json', source: 'docker-entrypoint.d/18-load-element-modules.sh (cp /app/config*.json)', consequence: `the copy finds no config and Element Web falls back to its built-in defaults (no homeserver set); ${NGINX_EXIT}` },
    ];
    const writes: PathNeed[] = [
      { path: '/tmp', source: 'nginx-unprivileged pid and temp paths; /tmp/element-web-config', directory: true, consequence: NGINX_EXIT },
      { path: '/etc/nginx/conf.d', source: '20-envsubst-on-templates.sh output directory', directory: true, consequence: `no server block is rendered, so nginx serves nothing on ELEMENT_WEB_PORT; ${NGINX_EXIT}` },
      { path: '/var/cache/nginx', source: 'nginx:alpine-slim temp paths (releases before v1.11.97)', directory: true, consequence: NGINX_EXIT },
    ];
    const imageFiles: PathNeed[] = [
      { path: '/app/index.html', source: 'image (COPY of the webapp to /app)', consequence: 'the client itself is hidden: every page is a 404' },
      { path: '/etc/nginx/templates/default.conf.template', source: 'image (COPY of the templates)', consequence: 'no server block is rendered' },
      { path: '/docker-entrypoint.d/18-load-element-modules.sh', source: 'image (COPY of the entrypoint scripts)', consequence: '/config.json is never copied to where nginx serves it' },
    ];
    return { reads, writes, imageFiles, problems };
  },
};

/**
 * busybox 1.37.0, the homeserver's backup sidecar (issue 13): `sh -c` runs a loop of sleep, wget
 * to the pod's loopback, pidof and kill, all busybox applets or shell builtins. It reads no file
 * (no config, no heredoc, so no temporary file) and writes none: wget's output goes to /dev/null.
 */
export const BUSYBOX_MODEL: ProgramModel = {
  program: 'busybox',
  repository: 'busybox',
  containers: ['backup-trigger'],
  version: '1.37.0',
  needs: () => ({ reads: [], writes: [], imageFiles: [], problems: [] }),
};


/** Every program the stack runs. A container whose image is none of these fails the invariant. */
export const STARTUP_MODELS: readonly ProgramModel[] = [TUWUNEL_MODEL, LIVEKIT_MODEL, LK_JWT_MODEL, KUBECTL_MODEL, ELEMENT_WEB_MODEL, BUSYBOX_MODEL];

/** The model for an image, by its repository's last path segment (registry mirrors keep it). */
export function modelForImage(image: unknown, containerName?: unknown): ProgramModel | undefined {
  if (typeof image !== 'string') return undefined;
  const name = image.split('@')[0].replace(/:[^/:]*$/, '');
  const last = name.split('/').pop();
  return STARTUP_MODELS.find((m) => m.repository === last) ?? STARTUP_MODELS.find((m) => m.containers.includes(String(containerName)));
}

/** A path-valued env var as literal values; one taken from valueFrom cannot be followed and is a problem. */
function envPath(view: ContainerView, name: string, problems: string[]): string[] {
  if (!view.hasEnv(name)) return [];
  const value = view.env(name);
  if (value === undefined) {
    problems.push(`env ${name} takes its path from valueFrom, which the start-up model cannot follow (set a literal path)`);
    return [];
  }
  return [value];
}

function containerView(pod: PodTemplate, container: any, objects: K8sObject[]): ContainerView {
  const env: any[] = container.env ?? [];
  return {
    env: (name) => env.find((e) => e.name === name)?.value,
    hasEnv: (name) => env.some((e) => e.name === name),
    envNames: env.map((e) => String(e.name)),
    args: commandLine(container),
    script: [...(container.command ?? []), ...(container.args ?? [])].map(String).find((_arg, i, argv) => i > 0 && argv[i - 1] === '-c'),
    read: (path) => {
      const resolved = resolvePath(pod, container, path, objects);
      return resolved.kind === 'file' ? fileContent(resolved.file) : undefined;
    },
  };
}

function readProblem(need: PathNeed, resolved: Resolved, id: ProcessIdentity): string | undefined {
  switch (resolved.kind) {
    case 'unmounted': return 'lies under no volumeMount (the image does not ship it)';
    case 'missing': return resolved.reason;
    case 'unmodelled': return resolved.reason;
    case 'directory':
      return need.directory ? (canAccess(id, resolved.dir, 5) ? undefined : `is in ${resolved.dir.kind} ${resolved.mount.name} (${describeOwnership(resolved.dir)}), which the process cannot list`)
        : `is in ${resolved.dir.kind} ${resolved.mount.name}, where nothing in the stack puts the file`;
    case 'projected-directory': return need.directory ? undefined : `is a directory of volume ${resolved.mount.name}, not a file`;
    case 'file': {
      const file = resolved.file;
      if (need.directory) return `is the file ${file.source}, not a directory`;
      if (file.optional) return `comes from ${file.source}, which is optional (the kubelet starts the pod without it)`;
      if (!canAccess(id, file, 4)) return `is ${describeOwnership(file)} (${file.source}), which the process cannot read`;
      if (need.noOtherBits && otherHasBits(file)) return `is ${describeOwnership(file)} (${file.source}): "other" has permission bits, which the program refuses`;
      return undefined;
    }
  }
}

function writeProblem(pod: PodTemplate, container: any, resolved: Resolved, id: ProcessIdentity): string | undefined {
  switch (resolved.kind) {
    case 'unmounted':
      return container.securityContext?.readOnlyRootFilesystem === true ? 'lies on no volume, and the root filesystem is read-only' : 'lies on no volume (the image\'s root-owned directories are not writable by a non-root process)';
    case 'directory':
      if (resolved.mount.readOnly === true) return `is in ${resolved.dir.kind} ${resolved.mount.name}, mounted readOnly at ${resolved.mount.mountPath}`;
      return canAccess(id, resolved.dir, 3) ? undefined : `is in ${resolved.dir.kind} ${resolved.mount.name}, whose root is ${describeOwnership(resolved.dir)}: not writable by the process${pod.spec.securityContext?.fsGroup === undefined ? ' (set the pod\'s fsGroup)' : ''}`;
    case 'unmodelled': return resolved.reason;
    default: return `is in volume ${resolved.mount.name} at ${resolved.mount.mountPath}, a Secret/ConfigMap volume the kubelet always mounts read-only`;
  }
}

/**
 * Invariant: every container runs a program of the start-up model; each file it reads at start
 * is mounted and readable by its process, each directory it writes is on a writable volume, and
 * no mount hides a file its image provides.
 */
export const startupFiles: Invariant = (objects) => {
  const messages: string[] = [];
  for (const pod of podTemplates(objects)) {
    for (const container of allContainers(pod)) {
      const at = where(pod, container);
      const model = modelForImage(container.image, container.name);
      if (!model) {
        messages.push(`${at}: image ${JSON.stringify(container.image)} is not in the start-up model: add it to the start-up model (test/verification/startup-model.ts) with the files it reads and the directories it writes at start`);
        continue;
      }
      const id = processIdentity(pod, container);
      const needs = model.needs(containerView(pod, container, objects));
      for (const problem of needs.problems) messages.push(`${at} (${model.program}): ${problem}`);
      for (const need of needs.reads) {
        const problem = readProblem(need, resolvePath(pod, container, need.path, objects), id);
        if (problem) messages.push(`${at}: ${model.program} reads ${need.source} = ${JSON.stringify(need.path)} at start, which ${problem} (process ${describeIdentity(id)}); then ${need.consequence}`);
      }
      for (const need of needs.writes) {
        const problem = writeProblem(pod, container, resolvePath(pod, container, need.path, objects), id);
        if (problem) messages.push(`${at}: ${model.program} writes ${need.source} = ${JSON.stringify(need.path)}, which ${problem} (process ${describeIdentity(id)}); then ${need.consequence}`);
      }
      for (const need of needs.imageFiles) {
        const mount = mountFor(container, need.path);
        if (mount) messages.push(`${at}: volumeMount ${mount.name} at ${mount.mountPath} hides ${need.path} from the ${model.program} image; then ${need.consequence}`);
      }
    }
  }
  return messages;
};
