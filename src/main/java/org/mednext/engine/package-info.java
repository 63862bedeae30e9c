/**
 * DJL's PyTorch engine: offline start-up, threads, device choice, per-thread grad mode, and the two memory rules of
 * our tensor code (temporaries closed per operation, scalar operands in libtorch memory).
 */
package org.mednext.engine;
