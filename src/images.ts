// Container images: their props, the pinned defaults, the resolved reference and its validation.
import { Problems, show } from './validation';

/**
 * Where a container image comes from.
 *
 * When neither `tag` nor `digest` is given the component's pinned default applies; when either
 * is given, exactly what is given is used (so setting a tag clears a default digest).
 */
export interface ImageProps {
  /**
   * Registry host (and optional path) the image is pulled from.
   * @default the component's own registry (ghcr.io for Tuwunel and lk-jwt-service, docker.io for LiveKit)
   */
  readonly registry?: string;

  /**
   * Repository inside the registry.
   * @default the component's upstream repository
   */
  readonly repository?: string;

  /**
   * Image tag; `latest` is refused because it makes deployments unreproducible.
   * @default the component's pinned tag
   */
  readonly tag?: string;

  /**
   * Image digest (`sha256:` and 64 hex digits), which pins the image immutably.
   * @default the component's pinned digest, where it has one (lk-jwt-service and Element Web are pinned by tag and digest)
   */
  readonly digest?: string;
}

/** The pinned defaults of one component's image. */
export interface ImageDefaults {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export const TUWUNEL_IMAGE: ImageDefaults = { registry: 'ghcr.io', repository: 'matrix-construct/tuwunel', tag: 'v1.9.0' };
export const LIVEKIT_IMAGE: ImageDefaults = { registry: 'docker.io', repository: 'livekit/livekit-server', tag: 'v1.13.5' };
/**
 * v0.5.0, by tag and digest: the tag is the release workflow's bare version (no `v`); the digest is the
 * one public pins of `ghcr.io/element-hq/lk-jwt-service:0.5.0` record (the same bits as the digest-only pin before).
 */
export const LK_JWT_IMAGE: ImageDefaults = {
  registry: 'ghcr.io',
  repository: 'element-hq/lk-jwt-service',
  tag: '0.5.0',
  digest: 'sha256:29918567e6b7cd920e2853b4cd6848ce01b79947c3d19a9f1ed5b74f0a2a88bf',
};

/**
 * Init container that reads the livekit-rtc LoadBalancer address: a shell and kubectl, non-root.
 * The digest is the one chainguard-dev pins in its own repositories (terraform-provider-imagetest).
 */
export const KUBECTL_IMAGE: ImageDefaults = {
  registry: 'cgr.dev',
  repository: 'chainguard/kubectl',
  tag: 'latest-dev',
  digest: 'sha256:1d8c1f0c437628aafa1bca52c41ff310aea449423cce9b2feae2767ac53c336f',
};

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REGISTRY = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const REPOSITORY = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The image the component runs: user values where given, pinned defaults otherwise. */
export function resolveImage(image: ImageProps | undefined, defaults: ImageDefaults): Required<Pick<ImageDefaults, 'registry' | 'repository'>> & { tag?: string; digest?: string } {
  const tag = nonEmpty(image?.tag);
  const digest = nonEmpty(image?.digest);
  const userPinned = tag !== undefined || digest !== undefined || image?.tag === '' || image?.digest === '';
  return {
    registry: nonEmpty(image?.registry) ?? defaults.registry,
    repository: nonEmpty(image?.repository) ?? defaults.repository,
    tag: userPinned ? tag : defaults.tag,
    digest: userPinned ? digest : defaults.digest,
  };
}

/** `registry/repository[:tag][@digest]`. */
export function imageReference(image: ImageProps | undefined, defaults: ImageDefaults): string {
  const resolved = resolveImage(image, defaults);
  const tag = resolved.tag ? `:${resolved.tag}` : '';
  const digest = resolved.digest ? `@${resolved.digest}` : '';
  return `${resolved.registry}/${resolved.repository}${tag}${digest}`;
}

/** Refuses images that are not pinned or cannot be pulled. */
export function checkImage(problems: Problems, path: string, image: ImageProps | undefined, defaults: ImageDefaults): void {
  const resolved = resolveImage(image, defaults);
  if (!REGISTRY.test(resolved.registry)) {
    problems.add(`${path}.registry`, `${show(resolved.registry)} is not a registry host`, 'the kubelet cannot pull the image and the pod stays in ImagePullBackOff', 'use a host such as "ghcr.io" or "registry.example.org:5000/mirror"');
  }
  if (!REPOSITORY.test(resolved.repository)) {
    problems.add(`${path}.repository`, `${show(resolved.repository)} is not a repository name`, 'the kubelet cannot pull the image and the pod stays in ImagePullBackOff', 'use lowercase path components such as "livekit/livekit-server"');
  }
  if (resolved.tag === undefined && resolved.digest === undefined) {
    problems.add(path, 'neither a tag nor a digest is set', 'the runtime would pull whatever "latest" is on each node, so pods of one release can run different versions', 'set image.tag to a released version or image.digest to a sha256 digest');
  }
  if (resolved.tag !== undefined) {
    if (resolved.tag === 'latest') {
      problems.add(`${path}.tag`, '"latest" is not a pinned version', 'nodes pull different images over time and an upgrade happens without a change to the manifests', 'set a released version tag or image.digest');
    } else if (!TAG.test(resolved.tag)) {
      problems.add(`${path}.tag`, `${show(resolved.tag)} is not a valid image tag`, 'the kubelet cannot parse the image reference and the pod never starts', 'use letters, digits, "_", "." and "-" (at most 128 characters)');
    }
  }
  if (resolved.digest !== undefined && !DIGEST.test(resolved.digest)) {
    problems.add(`${path}.digest`, `${show(resolved.digest)} is not a sha256 digest`, 'the kubelet cannot parse the image reference and the pod never starts', 'use "sha256:" followed by 64 lowercase hex digits');
  }
}
