export { main as runMachCli } from "./cli.ts";
export { main as runDevnet } from "./main.ts";
