// Element Web's config.json, built as data from keys Element Web documents (docs/config.md, shared-types config.json.d.ts).

/** What the generated config.json depends on. */
export interface ElementWebConfigInput {
  /** The homeserver's client-API base URL, e.g. `https://matrix.example.org`. */
  readonly homeserverUrl: string;
  /** The Matrix server name shown on the sign-in page. */
  readonly serverName: string;
  /** App name shown in the UI; omitted to keep Element's own default ("Element"). */
  readonly brand?: string;
}

/**
 * Labs flags forced on, so that video rooms backed by Element Call exist without users finding
 * them in Labs (Settings.tsx defines both with the `config` level).
 */
export const ELEMENT_WEB_FEATURES: Readonly<Record<string, boolean>> = {
  feature_video_rooms: true,
  feature_element_call_video_rooms: true,
};

/**
 * The config.json object. Only what this stack needs is set; everything else keeps Element's
 * defaults, except the third-party services those defaults would contact.
 */
export function elementWebConfig(input: ElementWebConfigInput): Record<string, unknown> {
  return {
    default_server_config: {
      'm.homeserver': { base_url: input.homeserverUrl, server_name: input.serverName },
    },
    // This deployment exists to serve this homeserver; guests would be registered on it for room previews.
    disable_custom_urls: true,
    disable_guests: true,
    ...(input.brand !== undefined ? { brand: input.brand } : {}),
    show_labs_settings: false,
    features: { ...ELEMENT_WEB_FEATURES },
    // Every call (1:1 too) goes through Element Call and so through this stack's MatrixRTC
    // transport, never through legacy WebRTC or Jitsi (which defaults to meet.element.io).
    // Element Call itself is bundled and served from this origin; the transport comes from the homeserver.
    element_call: { use_exclusively: true },
    // Element's defaults (SdkConfig.ts DEFAULTS) point at scalar.vector.im; docs/config.md: "To disable
    // integrations, set the options defined here to null". integrations_widgets_urls has no default, so it stays unset.
    integrations_ui_url: null,
    integrations_rest_url: null,
    // bug_report_endpoint_url is deliberately absent: that disables rageshakes (logs sent to a third party).
  };
}
