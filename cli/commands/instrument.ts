export const usage = 'instrument MODULE.wasm -o OUT.wasm';
export async function run(): Promise<number> { console.error('not yet'); return 1; }
