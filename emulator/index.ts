/**
 * The emulator's public face for code outside emulator/ (the service's embedded mode): starting
 * one and its options. Nothing else of emulator/src is imported from outside.
 */
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './src/index.js';
