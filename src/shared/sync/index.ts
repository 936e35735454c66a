export * from './hlc'
export * from './wire'
