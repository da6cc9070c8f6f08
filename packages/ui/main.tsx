// First, before React is evaluated: starts the opened page's data loads (router/prefetch-route.ts).
import "./router/prefetch-route";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { primedLoadsSettled } from "./hooks/primed-loads";
import "./styles/base.css";

/** Longest the first render waits for the primed loads; a slower server gets a loading page first. */
const FIRST_RENDER_WAIT_MS = 150;

await primedLoadsSettled(FIRST_RENDER_WAIT_MS);
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
