export { main as runDevnet } from "./main.ts";
