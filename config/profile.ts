/** The shape of a profile overlay: any part of the spec, with worker pools named and partial. */
import type { DeepPartial } from './merge';
import type { SpecInput, WorkerPoolInput } from './schema';

export type WorkerPoolOverlay = DeepPartial<WorkerPoolInput> & { name: string };

export type ProfileOverlay = DeepPartial<Omit<SpecInput, 'workerPools'>> & {
  workerPools?: WorkerPoolOverlay[];
};
