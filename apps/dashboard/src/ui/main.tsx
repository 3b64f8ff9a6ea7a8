/** The page's entry: connect to the node that served it and render. */
import "./styles.css";
import { render } from "preact";
import { nodeWebSocketUrl, startDashboard } from "../live/controller.ts";
import { App } from "./App.tsx";

const root = document.getElementById("app");
if (!root) throw new Error("index.html has no #app element");
render(<App dashboard={startDashboard(nodeWebSocketUrl(window.location))} />, root);
