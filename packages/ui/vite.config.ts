// Builds the web UI into this package's dist/, which the server serves at `/` (packages/server/src/plugins/ui-static.ts).
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  // The code is React's; Preact's compat layer runs it: a tenth of React DOM's size, which a cold
  // page load has to download, parse and evaluate before anything shows.
  resolve: {
    alias: [
      { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
      { find: /^react-dom$/, replacement: "preact/compat" },
      { find: /^react\/jsx-runtime$/, replacement: "preact/jsx-runtime" },
      { find: /^react\/jsx-dev-runtime$/, replacement: "preact/jsx-dev-runtime" },
      { find: /^react$/, replacement: "preact/compat" },
    ],
  },
  // Everything the page needs ships in the bundle: no CDN, no web fonts, so it works offline.
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
  },
  // `npm run dev:ui` proxies the API to a server started with `npm start`; the UI's own modules
  // under packages/ui/api (/api/*.ts) stay Vite's.
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:4200", bypass: (req) => (/^\/api\/[\w-]+\.tsx?(\?|$)/.test(req.url ?? "") ? req.url : undefined) },
    },
  },
});
