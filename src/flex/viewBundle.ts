/**
 * Loads a view the plugin does not carry, when a user first opens it: `<serverlessBaseUrl>/<file>`,
 * a public asset deployed with the functions (desktop-manager.js, compliance.js).
 * `twilio flex:plugins:deploy` uploads the plugin's one bundle and nothing else, so a webpack chunk
 * would never reach Flex; the functions' domain is already configured and trusted (the plugin sends
 * the Flex token there). The asset hands its view over through a global, with a version raised
 * whenever the props between the plugin and the view change (they deploy separately).
 */
export interface ViewBundleSpec {
  file: string;
  global: string;
  version: number;
}

const loading = new Map<string, Promise<unknown>>();

const loaded = <T>(spec: ViewBundleSpec): (T & { version: number }) | undefined =>
  (window as unknown as Record<string, (T & { version: number }) | undefined>)[spec.global];

/** The view, when its asset already ran on this page (the view was opened before): shown at once. */
export function readyViewBundle<T>(spec: ViewBundleSpec): T | undefined {
  const ready = loaded<T>(spec);
  return ready?.version === spec.version ? ready : undefined;
}

export function loadViewBundle<T>(baseUrl: string, spec: ViewBundleSpec): Promise<T> {
  const ready = readyViewBundle<T>(spec);
  if (ready) return Promise.resolve(ready);
  const pending =
    loading.get(spec.file) ??
    new Promise<T>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = `${baseUrl}/${spec.file}`;
      script.async = true;
      script.onload = () => {
        const bundle = loaded<T>(spec);
        if (!bundle) reject(new Error('it did not start'));
        else if (bundle.version !== spec.version)
          reject(new Error(`it is version ${bundle.version}, this plugin needs ${spec.version}: deploy the functions and the plugin of the same release`));
        else resolve(bundle);
      };
      script.onerror = () => reject(new Error('the request failed'));
      document.head.appendChild(script);
    }).catch((error: unknown) => {
      loading.delete(spec.file); // a later try loads it again
      throw error;
    });
  loading.set(spec.file, pending);
  return pending as Promise<T>;
}
