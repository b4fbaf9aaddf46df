// The few WebAssembly JS API types lrsim uses. TypeScript declares them only in lib.dom, which
// a Node project should not pull in.
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: BufferSource);
    }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
      readonly buffer: ArrayBuffer;
      grow(pages: number): number;
    }
    class Instance {
      constructor(module: Module, imports?: Record<string, unknown>);
      readonly exports: Record<string, unknown>;
    }
    /** True when the runtime can compile `bytes` (used to detect WebAssembly features). */
    function validate(bytes: BufferSource): boolean;
  }
}

export {};
