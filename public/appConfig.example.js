// Local development configuration for `flex-plugin start` (copy to public/appConfig.js).
//
// The Recording Controls plugin itself is configured in Flex's service configuration, under
// ui_attributes.recordingControls, so every agent's browser gets the same settings. An update of
// the Flex Configuration replaces ui_attributes whole, so read it, merge, and send it all back:
// docs/deploy.md, step 7, has the commands (twilio api:flex:v1:configuration:fetch, a node merge,
// then a POST of the merged ui_attributes to https://flex-api.twilio.com/v1/Configuration).
// What recordingControls holds, for example:
//
//   "recordingControls": {
//     "serverlessBaseUrl": "https://recording-controls-1234-dev.twil.io",
//     "pauseBehavior": "skip",
//     "agentsMayStop": false,
//     "shortcutKey": "P",
//     "alertPausedSeconds": 180,
//     "indicator": {
//       "showTimeline": true,
//       "warningSound": false,
//       "labels": { "card-number": "Card number", "cvv": "Security code" }
//     }
//   }
//
// Settings (anything else is reported as an error on the browser console):
//   serverlessBaseUrl  required. Base URL of the deployed functions (`twilio serverless:deploy`
//                      prints it); the plugin calls <serverlessBaseUrl>/recording-controls/<verb>.
//   pauseBehavior      "skip" (default) or "silence": shown to supervisors; the functions apply
//                      their own PAUSE_BEHAVIOR setting when they pause.
//   agentsMayStop      false (default): only supervisors see "Stop recording". The functions
//                      refuse stops unless they are configured to allow them.
//   pollSeconds        default 15. The call on screen is followed through its Sync document
//                      (pushed, no polling); only while that document cannot be followed is
//                      the call re-read instead, every pollSeconds or more (values under 15
//                      count as 15; 0.5–300 accepted).
//   shortcutKey        one letter or digit, default "P" (Ctrl+Shift+P toggles the pause);
//                      "" turns the shortcut off. Firefox uses Ctrl+Shift+P for a private
//                      window, so pick another key if your agents use Firefox.
//   alertPausedSeconds default 180. Supervisors and admins get a Flex notification, and the
//                      call's row in "Recording Controls" a flag, when a call has been paused
//                      longer than this (10–86400). A pause Twilio refused is flagged at once.
//   indicator.showTimeline  true (default): the small timeline of paused intervals.
//   indicator.warningSound  false (default): true plays a short tone when the warning before an
//                           automatic resume begins (the last 10 seconds of a pause).
//   indicator.labels   display names for desktop hold ids; without one, "card-number" shows as
//                      "Card number".
//
// Strings: every text is in manager.strings (keys starting with RecordingControls); en-US and
// es-ES are shipped, and any key can be overridden like other Flex strings.

var appConfig = {
  pluginService: {
    enabled: true,
    url: '/plugins',
  },
  logLevel: 'info',
};
