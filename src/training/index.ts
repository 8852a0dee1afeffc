/** Training: optimizers, the SAM family, label-noise SGD, flatness penalties, the flattest search. */

export * from './checkpoint-schema.js';
export * from './directions.js';
export * from './gauss-newton.js';
export * from './init.js';
export * from './optimizers.js';
export * from './params.js';
export * from './penalties.js';
export * from './resume-check.js';
export * from './schedule.js';
export * from './search.js';
export * from './trainer.js';
