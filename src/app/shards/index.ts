export { readShardModel, SHARDS_FORMAT, type ShardBaseline, type ShardModel, type ShardPlan, type ShardRecord, type ShardStage, type Verdict } from './plan';
export type { ShardReadGiven } from './reading';
export { startOverShards, type ShardStartRequest } from './start';
export { shardExpectation, shardMaximization, type ShardStep } from './steps';
export { readRecommenderModel } from './recommender';
