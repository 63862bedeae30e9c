/** DJL's PyTorch engine: offline start-up, threads, device choice and per-thread grad mode. */
package org.mednext.engine;
