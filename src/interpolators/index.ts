export * from './common.js';
export { memorizer, type MemorizerOptions, solveSecondLayer } from './memorizer.js';
export { randomFeatures } from './random-features.js';
export {
  linkRepresentation,
  type RepTerm,
  type TeacherOptions,
  teacherInterpolator,
  teacherNeurons,
} from './teacher.js';
