// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { IDisputeGame } from "./IDisputeGame.sol";

/// @notice The OP Stack factory surface the portal and viem's op-stack actions use.
interface IDisputeGameFactory {
    struct GameSearchResult {
        uint256 index;
        bytes32 metadata;
        uint64 timestamp;
        bytes32 rootClaim;
        bytes extraData;
    }

    function gameCount() external view returns (uint256);
    function gameAtIndex(uint256 _index) external view returns (uint32 gameType_, uint64 timestamp_, IDisputeGame proxy_);
    function games(uint32 _gameType, bytes32 _rootClaim, bytes calldata _extraData)
        external
        view
        returns (IDisputeGame proxy_, uint64 timestamp_);
    function findLatestGames(uint32 _gameType, uint256 _start, uint256 _n)
        external
        view
        returns (GameSearchResult[] memory games_);
}
