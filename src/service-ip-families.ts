// IPv4, IPv6 and dual stack: the ipFamilyPolicy/ipFamilies props every Service of the stack takes, and their checks.
import { Problems, show } from './validation';

/** An IP family of a Service (Kubernetes `spec.ipFamilies`). */
export enum IpFamily {
  /** IPv4. */
  IPV4 = 'IPv4',
  /** IPv6. */
  IPV6 = 'IPv6',
}

/** How many IP families a Service gets (Kubernetes `spec.ipFamilyPolicy`). */
export enum IpFamilyPolicy {
  /** One family: the first of `ipFamilies`, or the cluster's primary one. */
  SINGLE_STACK = 'SingleStack',
  /** Both families on a dual-stack cluster, one otherwise. */
  PREFER_DUAL_STACK = 'PreferDualStack',
  /** Both families; the API server refuses the Service on a single-stack cluster. */
  REQUIRE_DUAL_STACK = 'RequireDualStack',
}

/** IP families of the stack's Services; applied to every Service it creates. */
export interface ServiceIpFamilyProps {
  /**
   * IP family policy of every Service (homeserver, LiveKit signaling and RTC, lk-jwt-service).
   * @default the cluster's default (SingleStack)
   */
  readonly ipFamilyPolicy?: IpFamilyPolicy;

  /**
   * IP families of every Service, primary first; two families need a dual-stack policy.
   * @default the cluster's primary family
   */
  readonly ipFamilies?: IpFamily[];
}

const FAMILIES = Object.values(IpFamily) as string[];
const POLICIES = Object.values(IpFamilyPolicy) as string[];

/** The Service spec fields, spread into every Service of the stack. */
export function serviceIpFamilySpec(props: ServiceIpFamilyProps): { ipFamilyPolicy?: string; ipFamilies?: string[] } {
  return {
    ...(props.ipFamilyPolicy !== undefined ? { ipFamilyPolicy: props.ipFamilyPolicy } : {}),
    ...(Array.isArray(props.ipFamilies) && props.ipFamilies.length > 0 ? { ipFamilies: [...props.ipFamilies] } : {}),
  };
}

/**
 * Whether the pods are certain to have an IPv6 address: a Service of family IPv6, or one that
 * requires dual stack (the API server refuses both on a cluster without IPv6).
 */
export function requiresIpv6(props: ServiceIpFamilyProps): boolean {
  return (Array.isArray(props.ipFamilies) && props.ipFamilies.includes(IpFamily.IPV6)) || props.ipFamilyPolicy === IpFamilyPolicy.REQUIRE_DUAL_STACK;
}

/** Validates the Service IP family props (once, by whichever construct the user gave them to). */
export function checkServiceIpFamilies(problems: Problems, props: ServiceIpFamilyProps): void {
  const policy = props.ipFamilyPolicy;
  if (policy !== undefined && !POLICIES.includes(policy)) {
    problems.add('ipFamilyPolicy', `${show(policy)} is not an IP family policy`, 'the API server rejects every Service of the stack', `use one of ${POLICIES.join(', ')} (IpFamilyPolicy)`);
  }
  const families = props.ipFamilies;
  if (families === undefined) return;
  if (!Array.isArray(families) || families.length === 0 || families.length > 2) {
    problems.add('ipFamilies', `${show(families)} is not a list of one or two IP families`, 'the API server rejects every Service of the stack', 'use e.g. [IpFamily.IPV4, IpFamily.IPV6] (primary family first)');
    return;
  }
  families.forEach((family, index) => {
    if (!FAMILIES.includes(family)) {
      problems.add(`ipFamilies[${index}]`, `${show(family)} is not an IP family`, 'the API server rejects every Service of the stack', 'use IpFamily.IPV4 ("IPv4") or IpFamily.IPV6 ("IPv6")');
    }
  });
  if (families.length === 2 && families[0] === families[1]) {
    problems.add('ipFamilies[1]', `repeats ${show(families[0])}`, 'the API server rejects a Service listing a family twice', 'list IPv4 and IPv6 once each, or one family');
  } else if (families.length === 2 && policy !== IpFamilyPolicy.PREFER_DUAL_STACK && policy !== IpFamilyPolicy.REQUIRE_DUAL_STACK) {
    problems.add('ipFamilyPolicy', `is ${policy === undefined ? 'unset (SingleStack)' : show(policy)} while ipFamilies lists two families`, 'the API server rejects a single-stack Service with two families', 'set ipFamilyPolicy to IpFamilyPolicy.PREFER_DUAL_STACK or REQUIRE_DUAL_STACK, or list one family');
  }
}
