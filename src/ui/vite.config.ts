// Builds the web UI into dist/ui, which the server serves at `/` (src/server/plugins/ui-static.ts).
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  // Everything the page needs ships in the bundle: no CDN, no web fonts, so it works offline.
  build: {
    outDir: fileURLToPath(new URL("../../dist/ui", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
  },
  // `npm run dev:ui` proxies the API to a server started with `npm start`.
  server: { proxy: { "/api": "http://127.0.0.1:4200" } },
});
