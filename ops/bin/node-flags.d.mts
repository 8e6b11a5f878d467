/** The Node.js flags every long-running service is started with (node-flags.mjs). */
export declare const SERVICE_NODE_FLAGS: readonly string[];
