// esbuild bundles the page's stylesheet into demo.css.
declare module '*.css';
