// The public API: constructs, their props and the enums and classes they take (every name here is documented in API.md).
export { MatrixChat } from './matrix-chat';
export type {
  MatrixChatProps, MatrixChatHomeserverOptions, MatrixChatLiveKitOptions, MatrixChatLkJwtOptions, MatrixChatElementWebOptions,
  NetworkPolicyOptions, WellKnownOptions,
} from './matrix-chat';
export { Homeserver } from './homeserver';
export type { HomeserverProps, HomeserverSettings, PersistenceProps, RegistrationTokenSecretRef } from './homeserver';
export { ClientIpSource, SupportContactRole } from './homeserver-options';
export type { HomeserverFeatureSettings, PresenceProps, SsoIdentityProviderProps, SsoProps, SupportContactProps, UrlPreviewProps } from './homeserver-options';
export { IpFamily, IpFamilyPolicy } from './service-ip-families';
export type { ServiceIpFamilyProps } from './service-ip-families';
export { LiveKit } from './livekit';
export type { LiveKitProps, LiveKitSettings, LiveKitCredentialsRef, ListenerPort } from './livekit';
export { LogLevel, NodeAddressSource } from './livekit-props';
export type {
  LiveKitExistingSecret, LiveKitKeysProps, LiveKitLoggingProps, LiveKitMetricsProps, LiveKitRedisProps,
  LiveKitRoomProps, LiveKitScaleOutProps, LiveKitWebhookProps, RtcPortRange, RtcProps, ServiceMonitorProps,
} from './livekit-props';
export { TurnRelay, IssuerKind } from './turn-relay';
export type { TurnRelayProps, TurnProps, TurnTlsProps, CertificateIssuerRef } from './turn-relay';
export { LkJwt } from './lk-jwt';
export type { LkJwtProps, LkJwtSettings } from './lk-jwt';
export { LkJwtRelease } from './lk-jwt-release';
export { ElementWeb } from './element-web';
export type { ElementWebProps, ElementWebSettings } from './element-web';
export { MatrixIngress } from './ingress';
export type { MatrixIngressProps, MatrixIngressOptions, IngressTlsProps } from './ingress';
export { MatrixHttpRoute, Routing, RoutingKind } from './gateway-routes';
export type { MatrixHttpRouteProps, GatewayApiRoutingOptions, GatewayParentRef } from './gateway-routes';
export type { ElementWebRouteRef, IngressBackendRef, MatrixRoutingTargets } from './routing';
export { MatrixNetworkPolicies } from './network-policies';
export type { MatrixNetworkPoliciesProps } from './network-policies';
export type { ContentSecurityPolicySources } from './csp';
export type { ImageProps } from './images';
export type { ComponentProps, PodPlacementProps, SchedulingProps } from './pod';
export type { SecretKeyReference } from './secret-key-reference';
export type { AppserviceNamespace, AppserviceRegistration, AppserviceTokensSecret } from './appservices';
export { HelmValues, propsFromHelmValues } from './helm-values';
export type { HelmValuesMapping } from './helm-values';
export type { HomeserverBackupProps } from './homeserver-backup';
export type { HomeserverSnapshotProps, SnapshotRetentionProps } from './snapshot-schedule';
