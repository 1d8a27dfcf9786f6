/**
 * A view the plugin loads on first render (src/flex/viewBundle.ts): "Loading…", then the view; when
 * it cannot be loaded, why and from where, and a button to try again.
 */
import * as React from 'react';
import { useEffect, useState } from 'react';
import { Button } from '@twilio/flex-ui';
import { loadViewBundle, readyViewBundle, type ViewBundleSpec } from '../flex/viewBundle';

export interface LoaderTexts {
  loading: string;
  failed(vars: { url: string; message: string }): string;
  retry: string;
}

export interface ViewBundleLoaderProps<T> {
  baseUrl: string;
  spec: ViewBundleSpec;
  texts: LoaderTexts;
  render(bundle: T): React.ReactElement;
  testId: string;
  /** For tests: another way to load the bundle. */
  load?: (baseUrl: string) => Promise<T>;
}

export function ViewBundleLoader<T>({ baseUrl, spec, texts, render, testId, load }: ViewBundleLoaderProps<T>) {
  // Opened again (its asset already ran on this page): shown at once, without "Loading…" first.
  const [bundle, setBundle] = useState<T | undefined>(() => (load ? undefined : readyViewBundle<T>(spec)));
  const [problem, setProblem] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  // Loaded again only for another base URL or when the user asks; `load` and `spec` are fixed for a view.
  useEffect(() => {
    if (bundle) return undefined;
    let shown = true;
    setProblem(undefined);
    (load ? load(baseUrl) : loadViewBundle<T>(baseUrl, spec)).then(
      (loaded) => shown && setBundle(loaded),
      (error: Error) => shown && setProblem(error.message),
    );
    return () => {
      shown = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [baseUrl, attempt]);

  if (bundle) return render(bundle);
  return (
    <div style={{ padding: 24 }} data-testid={testId}>
      {problem ? (
        <>
          <p role="alert">{texts.failed({ url: `${baseUrl}/${spec.file}`, message: problem })}</p>
          <Button variant="secondary" size="small" onClick={() => setAttempt(attempt + 1)}>
            {texts.retry}
          </Button>
        </>
      ) : (
        <p>{texts.loading}</p>
      )}
    </div>
  );
}
