/**
 * Element Web's documented config.json keys, as leaf key paths in the notation of allow-lists.ts
 * (dotted; `*` matches one segment; `[]` an array of objects). Keys containing dots, such as
 * `m.homeserver`, simply contribute their dots to the path.
 *
 * Source: element-hq/element-web (monorepo, develop), read for the v1.12.x images we pin:
 * - packages/shared-types/lib/config.json.d.ts @ 0d4983912154d5e4e79607c2db51f065c63d9fdc
 *   (`WebConfigJson`: "all config options are documented", see docs/config.md)
 * - packages/shared-types/lib/matrix.d.ts @ 361ed94a9e6c7e295e981008d28fe89377df6497
 *   (`ClientWellKnown["m.homeserver"]`: base_url, server_name)
 * - apps/web/src/settings/Settings.tsx @ 01cd27e5fef1749695e96795453bb2c1055ee16d (feature flags)
 */

export const ELEMENT_WEB_CONFIG_SOURCE = {
  repository: 'element-hq/element-web',
  configTypes: { path: 'packages/shared-types/lib/config.json.d.ts', commit: '0d4983912154d5e4e79607c2db51f065c63d9fdc' },
  settings: { path: 'apps/web/src/settings/Settings.tsx', commit: '01cd27e5fef1749695e96795453bb2c1055ee16d' },
} as const;

/** Leaf key paths of `WebConfigJson`. */
export const ELEMENT_WEB_CONFIG_KEYS: readonly string[] = [
  'default_server_config.m.homeserver.base_url',
  'default_server_config.m.homeserver.server_name',
  'default_server_config.m.identity_server.base_url',
  'default_server_name',
  'default_hs_url',
  'default_is_url',
  'fallback_hs_url',
  'disable_custom_urls',
  'disable_guests',
  'disable_login_language_selector',
  'disable_3pid_login',
  'brand',
  'branding.welcome_background_url',
  'branding.logo_link_url',
  'branding.auth_header_logo_url',
  'branding.auth_footer_links[].text',
  'branding.auth_footer_links[].url',
  'force_verification',
  'map_style_url',
  'embedded_pages.welcome_url',
  'embedded_pages.home_url',
  'embedded_pages.login_for_welcome',
  'permalink_prefix',
  'desktop_builds.available',
  'desktop_builds.logo',
  'desktop_builds.url',
  'desktop_builds.url_macos',
  'desktop_builds.url_win64',
  'desktop_builds.url_win64arm',
  'desktop_builds.url_linux',
  'mobile_builds.ios',
  'mobile_builds.android',
  'mobile_builds.fdroid',
  'mobile_guide_toast',
  'mobile_guide_app_variant',
  'default_theme',
  'default_country_code',
  'default_federate',
  'default_device_display_name',
  // `setting_defaults.<setting name>` is documented too; it is left out until a setting is emitted and listed from Settings.tsx.
  'integrations_ui_url',
  'integrations_rest_url',
  'integrations_widgets_urls',
  'default_widget_container_height',
  'show_labs_settings',
  // `features.<name>`: checked against ELEMENT_WEB_FEATURES below.
  'features.*',
  'bug_report_endpoint_url',
  'sentry.dsn',
  'sentry.environment',
  'widget_build_url',
  'widget_build_url_ignore_dm',
  'audio_stream_url',
  'jitsi.preferred_domain',
  'jitsi_widget.skip_built_in_welcome_screen',
  'voip.obey_asserted_identity',
  'element_call.guest_spa_url',
  'element_call.brand',
  'element_call.use_exclusively',
  'element_call.disable',
  'logout_redirect_url',
  'sso_redirect_options.immediate',
  'sso_redirect_options.on_welcome_page',
  'sso_redirect_options.on_login_page',
  'custom_translations_url',
  'report_event.admin_message_md',
  'room_directory.servers',
  'posthog.project_api_key',
  'posthog.api_host',
  'analytics_owner',
  'privacy_policy_url',
  'enable_presence_by_hs_url.*',
  'terms_and_conditions_links[].url',
  'terms_and_conditions_links[].text',
  'help_url',
  'help_encryption_url',
  'help_key_storage_url',
  'sync_timeline_limit',
  'dangerously_allow_unsafe_and_insecure_passwords',
  'user_notice.title',
  'user_notice.description',
  'user_notice.show_once',
  'feedback.existing_issues_url',
  'feedback.new_issue_url',
  'oidc_static_clients.*.client_id',
  'oidc_metadata.client_uri',
  'oidc_metadata.logo_uri',
  'oidc_metadata.tos_uri',
  'oidc_metadata.policy_uri',
  'oidc_metadata.contacts',
  'modules',
];

/** Feature flags Settings.tsx defines (`isFeature: true` entries of the `Settings` interface). */
export const ELEMENT_WEB_FEATURES: readonly string[] = [
  'feature_video_rooms',
  'feature_notification_settings2',
  'feature_msc3531_hide_messages_pending_moderation',
  'feature_latex_maths',
  'feature_wysiwyg_composer',
  'feature_mjolnir',
  'feature_custom_themes',
  'feature_exclude_insecure_devices',
  'feature_html_topic',
  'feature_bridge_state',
  'feature_jump_to_date',
  'feature_simplified_sliding_sync',
  'feature_element_call_video_rooms',
  'feature_group_calls',
  'feature_disable_call_per_sender_encryption',
  'feature_location_share_live',
  'feature_dynamic_room_predecessors',
  'feature_render_reaction_images',
  'feature_new_room_list',
  'feature_room_list_sections',
  'feature_ask_to_join',
  'feature_notifications',
  'feature_msc4362_encrypted_state_events',
  'feature_user_status',
  'feature_login_with_qr',
];

/**
 * Keys Element documents as needing `null` to switch a default off (docs/config.md, "Integration
 * managers": "To disable integrations, set the options defined here to null").
 */
export const ELEMENT_WEB_NULLABLE_KEYS: readonly string[] = ['integrations_ui_url', 'integrations_rest_url', 'integrations_widgets_urls'];
