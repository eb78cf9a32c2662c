/** Absolute path of the built dashboard (static files). */
export declare const dashboardDir: string;
