import type { Options } from 'tsup';

export declare function packageConfig(options: { entry: string[] } & Options): Options;
