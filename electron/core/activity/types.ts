/** The activity shapes are part of the contract: they live in shared/activity.ts. */
export * from '../../../shared/activity';
